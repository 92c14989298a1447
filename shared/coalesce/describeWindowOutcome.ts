import type { OutcomeLine } from "../core/describeOutcome";
import { type OutcomeRecord, recordField } from "../core/outcomeRecords";
import { printable } from "../core/printable";
import type { WindowOutcome } from "./windowOutcome";

const named = (id: string, model: string | undefined) =>
  model === undefined ? id : `${id} (${model})`;

/** The lines the queue function logs for one window. */
export function describeWindowOutcome(outcome: WindowOutcome): OutcomeLine[] {
  const window = `window "${outcome.key}" of workflow ${outcome.workflow}`;
  const lines: OutcomeLine[] = [];
  switch (outcome.kind) {
    case "closed": {
      const { job, latest } = outcome;
      const on = named(latest.id, latest.model);
      const events = `${outcome.superseded.length + 1} event${outcome.superseded.length === 0 ? "" : "s"}, ${outcome.openedAt} to ${outcome.closedAt}`;
      lines.push(
        job.kind === "rejected"
          ? {
              level: "error",
              message: `closed ${window} (${events}): the job on ${on} was refused: ${job.reason}`,
            }
          : job.kind === "held"
            ? {
                level: "error",
                message: `closed ${window} (${events}): its job on ${on} was held again`,
              }
            : {
                level: "info",
                message: `closed ${window} (${events}): ${job.kind === "planned" ? "would submit" : job.kind} job ${job.jobName} on ${on}`,
              },
      );
      for (const s of outcome.superseded)
        lines.push({
          level: "info",
          message: `superseded event ${named(s.eventId, s.model)} for workflow ${s.workflow}: superseded by ${named(s.supersededBy.eventId, s.supersededBy.model)}${s.supersededBy.job === undefined ? "" : `, job ${s.supersededBy.job}`}`,
        });
      break;
    }
    case "not-due":
      lines.push({
        level: "info",
        message: `${window} closes at ${outcome.closesAt}: its message came early and was sent again for the rest`,
      });
      break;
    case "retrying":
      lines.push({
        level: "error",
        message: `closing ${window} failed (try ${outcome.attempt}): ${outcome.reason}; trying again in ${outcome.retryInSeconds} s`,
      });
      break;
    case "gone":
      lines.push({
        level: "info",
        message: `nothing to close for ${window} (${outcome.window}): ${outcome.reason}`,
      });
      break;
  }
  return lines.map((line) => ({ ...line, message: printable(line.message) }));
}

/** The records of a closed window: its job on the latest event, and one `superseded` per other event. */
export function windowRecords(outcome: WindowOutcome, now: number): OutcomeRecord[] {
  if (outcome.kind !== "closed") return [];
  const { job, latest } = outcome;
  const jobName = job.kind === "held" ? undefined : job.jobName;
  const at = latest.time === undefined ? NaN : Date.parse(latest.time);
  const model = (m: string | undefined) => (m === undefined ? {} : { model: recordField(m) });
  return [
    {
      event: recordField(latest.id),
      eventType: recordField(latest.type),
      workflow: recordField(outcome.workflow),
      ...(jobName === undefined ? {} : { job: recordField(jobName) }),
      ...model(latest.model),
      outcome: job.kind,
      ...(Number.isNaN(at) ? {} : { latencyMs: Math.max(0, Math.round(now - at)) }),
    },
    ...outcome.superseded.map((s): OutcomeRecord => ({
      event: recordField(s.eventId),
      eventType: recordField(s.eventType),
      workflow: recordField(outcome.workflow),
      ...(s.supersededBy.job === undefined ? {} : { job: recordField(s.supersededBy.job) }),
      ...model(s.model),
      outcome: "superseded",
    })),
  ];
}
