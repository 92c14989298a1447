import { FUNCTION_NAMES } from "../shared/constants";
import { describeOutcome } from "../shared/core/describeOutcome";
import { processRuntime, type Runtime } from "../shared/core/runtime";
import { type EventGridHandler, registerEventGridFunction } from "./registry";

/** Turns one Event Grid or CloudEvents event into Azure ML pipeline jobs; throws only when Event Grid should redeliver. */
export function createTriggerPipelines(runtime: Runtime): EventGridHandler {
  return async (event, context) => {
    const outcome = await runtime.process(event);
    for (const line of describeOutcome(outcome)) {
      if (line.level === "error") context.error(line.message);
      else context.log(line.message);
    }
  };
}

/** The handler for this process's runtime, built at start-up: a bad setting or config fails here, loudly, before any event. */
export const triggerPipelines = createTriggerPipelines(processRuntime());

registerEventGridFunction(FUNCTION_NAMES.triggerPipelines, triggerPipelines);
