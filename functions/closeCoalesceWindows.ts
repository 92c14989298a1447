import { describeWindowOutcome, windowRecords } from "../shared/coalesce/describeWindowOutcome";
import { FUNCTION_NAMES, STORAGE_QUEUES } from "../shared/constants";
import { outcomeRecordLine } from "../shared/core/outcomeRecords";
import { processRuntime, type Runtime } from "../shared/core/runtime";
import { type QueueHandler, registerQueueFunction } from "./registry";

/** Closes one coalescing window when its message becomes visible: one job on the window's latest event. */
export function createCloseCoalesceWindows(runtime: Runtime): QueueHandler {
  return async (message, context) => {
    const outcome = await runtime.closeWindow(message);
    for (const line of describeWindowOutcome(outcome)) {
      if (line.level === "error") context.error(line.message);
      else context.log(line.message);
    }
    for (const record of windowRecords(outcome, Date.now())) context.log(outcomeRecordLine(record));
  };
}

/** The queue function; the queue is in the host's own storage account. */
export const closeCoalesceWindows = createCloseCoalesceWindows(processRuntime());

registerQueueFunction(
  FUNCTION_NAMES.closeWindows,
  STORAGE_QUEUES.coalesceWindows,
  closeCoalesceWindows,
);
