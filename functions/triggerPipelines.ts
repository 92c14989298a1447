import type { InvocationContext } from "@azure/functions";

import { FUNCTION_NAMES } from "../shared/constants";
import { describeOutcome } from "../shared/core/describeOutcome";
import { createRuntime } from "../shared/core/runtime";
import { registerEventGridFunction } from "./registry";

// Built once per process at start-up: a bad setting or config fails here, loudly, before any event.
const runtime = createRuntime();

/** Turns one Event Grid or CloudEvents event into Azure ML pipeline jobs; throws only when Event Grid should redeliver. */
export async function triggerPipelines(event: unknown, context: InvocationContext): Promise<void> {
  const outcome = await runtime.process(event);
  for (const line of describeOutcome(outcome)) {
    if (line.level === "error") context.error(line.message);
    else context.log(line.message);
  }
}

registerEventGridFunction(FUNCTION_NAMES.triggerPipelines, triggerPipelines);
