import { FUNCTION_NAMES, SETTING_NAMES } from "../shared/constants";
import { describeOutcome } from "../shared/core/describeOutcome";
import { outcomeRecordLine, outcomeRecords } from "../shared/core/outcomeRecords";
import { processRuntime, type Runtime } from "../shared/core/runtime";
import { describeWatchRun } from "../shared/watch/describeWatchRun";
import { registerTimerFunction, type TimerHandler } from "./registry";

/** Turns what the served workspaces did not announce into events, each handled as a delivered one. */
export function createWatchWorkspaces(runtime: Runtime): TimerHandler {
  return async (_timer, context) => {
    const runs = await runtime.watch((outcome) => {
      for (const line of describeOutcome(outcome)) {
        if (line.level === "error") context.error(line.message);
        else context.log(line.message);
      }
      for (const record of outcomeRecords(outcome, Date.now()))
        context.log(outcomeRecordLine(record));
    });
    if (runs.length === 0)
      context.log(
        "watch: no workflow needs the watcher (none listens for ModelTagsChanged, DataVersionCreated or RunCanceled, or reports onto models); nothing read",
      );
    for (const line of runs.map(describeWatchRun)) {
      if (line.level === "error") context.error(line.message);
      else if (line.level === "debug") context.debug(line.message);
      else context.log(line.message);
    }
    const failed = runs.filter((r) => r.kind === "failed");
    // A failed invocation is what the alerts and the portal count; the next run tries again.
    if (failed.length > 0)
      throw new Error(
        `the watcher failed for ${failed.length} of ${runs.length} workspace(s): ${failed.map((r) => describeWatchRun(r).message).join("; ")}`,
      );
  };
}

/** The timer function; its schedule is the app setting WATCH_SCHEDULE, which the host resolves. */
export const watchWorkspaces = createWatchWorkspaces(processRuntime());

registerTimerFunction(
  FUNCTION_NAMES.watchWorkspaces,
  `%${SETTING_NAMES.watchSchedule}%`,
  watchWorkspaces,
);
