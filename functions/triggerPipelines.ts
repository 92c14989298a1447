import { FUNCTION_NAMES } from "../shared/constants";
import { describeOutcome } from "../shared/core/describeOutcome";
import { outcomeRecordLine, outcomeRecords } from "../shared/core/outcomeRecords";
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
    // The same outcome as data for the workbook's queries: context.log cannot set custom
    // dimensions (https://github.com/Azure/azure-functions-nodejs-library/issues/227).
    for (const record of outcomeRecords(outcome, Date.now()))
      context.log(outcomeRecordLine(record));
  };
}

/** The handler for this process's runtime, built at start-up: a bad setting or config fails here, loudly, before any event. */
export const triggerPipelines = createTriggerPipelines(processRuntime());

registerEventGridFunction(FUNCTION_NAMES.triggerPipelines, triggerPipelines);
