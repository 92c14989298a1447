import { describe, expect, it } from "vitest";

import { REJECTIONS_QUERY } from "../../infra/components/alerts";
import { describeOutcome } from "../../shared/core/describeOutcome";
import type { EventOutcome } from "../../shared/core/outcome";
import { outcomeRecordLine, outcomeRecords } from "../../shared/core/outcomeRecords";

// What the alert's query counts: outcome records whose outcome is "rejected".
const alerted = (outcome: EventOutcome) =>
  outcomeRecords(outcome, Date.now())
    .map(outcomeRecordLine)
    .filter((line) => line.startsWith("outcome {") && line.includes('"outcome":"rejected"'));

const processed = (partial: Record<string, unknown>) =>
  ({
    kind: "processed",
    event: { id: "e2", type: "Microsoft.MachineLearningServices.RunCompleted", key: "k" },
    skipped: [],
    workflows: [],
    ...partial,
  }) as unknown as EventOutcome;

describe("the rejections alert's query", () => {
  it("reads the outcome records, where rejected means rejected", () => {
    expect(REJECTIONS_QUERY).toContain('message startswith "outcome {"');
    expect(REJECTIONS_QUERY).toContain('tostring(r.outcome) == "rejected"');
  });

  it("counts a rejected event, a rejected workflow and a report onto a model that was refused — each also an error line", () => {
    const cases: EventOutcome[] = [
      { kind: "rejected", eventId: "e1", reason: "no data" },
      processed({ workflows: [{ kind: "rejected", workflow: "validate", reason: "bad input" }] }),
      // Its line starts "report of workflow", which the alert's first query missed.
      processed({
        reports: [{ kind: "rejected", workflow: "validate", model: "m:1", reason: "403" }],
      }),
    ];
    for (const outcome of cases) {
      expect(alerted(outcome)).toHaveLength(1);
      expect(describeOutcome(outcome).some((l) => l.level === "error")).toBe(true);
    }
  });

  it("does not count a submitted job or an ignored event", () => {
    const submitted = processed({
      workflows: [{ kind: "submitted", workflow: "validate", jobName: "j", request: {} }],
    });
    const ignored = {
      kind: "ignored",
      event: { id: "e3", type: "x", source: "s", subject: "" },
      reason: "no workflow listens",
      skipped: [],
    } as EventOutcome;
    expect(alerted(submitted)).toEqual([]);
    expect(alerted(ignored)).toEqual([]);
  });
});
