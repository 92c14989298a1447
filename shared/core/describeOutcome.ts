import type { EventOutcome } from "../outcome";

/** One log line per outcome, with a level: rejections are errors, everything else information. */
export function describeOutcome(
  outcome: EventOutcome,
): { level: "info" | "error"; message: string }[] {
  switch (outcome.kind) {
    case "ignored":
      return [
        {
          level: "info",
          message: `ignored event ${outcome.eventId} (${outcome.eventType}): ${outcome.reason}`,
        },
      ];
    case "rejected":
      return [
        {
          level: "error",
          message: `rejected event ${outcome.eventId ?? "<no id>"}: ${outcome.reason}`,
        },
      ];
    case "processed":
      return outcome.workflows.map((w) =>
        w.kind === "rejected"
          ? {
              level: "error",
              message: `rejected event ${outcome.eventId} for workflow ${w.workflow ?? "-"}: ${w.reason}`,
            }
          : {
              level: "info",
              message: `${w.kind} job ${w.jobName} for event ${outcome.eventId} (workflow ${w.workflow})`,
            },
      );
  }
}
