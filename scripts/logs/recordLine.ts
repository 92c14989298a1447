import type { LoggedRecord } from "./recordFilter";

/** One record as a line: time, outcome, workflow, job, event and model. */
export function recordLine(r: LoggedRecord): string {
  return [
    r.time,
    r.outcome.padEnd(9),
    r.workflow === undefined ? "(no workflow)" : `workflow ${r.workflow}`,
    ...(r.job === undefined ? [] : [`job ${r.job}`]),
    `event ${r.event === "" ? "<no id>" : r.event}`,
    ...(r.model === undefined ? [] : [`model ${r.model}`]),
  ].join("  ");
}
