import { describe, expect, it } from "vitest";

import { emptyCounts, type ItemResult, settleItem, tallyOutcome } from "../../scripts/replay/tally";
import type { EventOutcome } from "../../shared/core/outcome";
import { rejectionEntryName } from "../../shared/rejections/rejectionStore";

const raw = { id: "e1" };
const event = {
  id: "e1",
  type: "Microsoft.MachineLearningServices.RunCompleted",
  source: "s",
  subject: "x",
  key: "k",
};
const item = (rejectionName?: string) => ({
  label: "x",
  time: "",
  events: [raw],
  rejectionName,
  remove: () => Promise.resolve(),
  markFailed: () => Promise.resolve(),
});

describe("what a replay counts for one outcome", () => {
  it("counts a dry run's planned job as a submission, under the same names as a run", () => {
    const counts = emptyCounts();
    const result: ItemResult = { rewritten: new Set() };
    const outcome = {
      kind: "processed",
      event,
      skipped: [],
      workflows: [{ kind: "planned", workflow: "w", jobName: "w-1" }],
    } as unknown as EventOutcome;
    tallyOutcome(counts, result, outcome, raw);
    expect(counts).toMatchObject({ submitted: 1, rejected: 0 });
    expect(settleItem(item("e1-x/w.json"), result)).toBe("removed");
  });

  it("counts a refused report as a rejection, and keeps the entry the function rewrites for it", () => {
    // It is recorded as <workflow>.report; removing it after the replay would lose it.
    const counts = emptyCounts();
    const result: ItemResult = { rewritten: new Set() };
    const outcome: EventOutcome = {
      kind: "processed",
      event,
      skipped: [],
      workflows: [],
      reports: [{ kind: "rejected", workflow: "w", model: "m:1", reason: "model m:1 is gone" }],
    };
    tallyOutcome(counts, result, outcome, raw);
    expect(counts.rejected).toBe(1);
    expect(result.failure).toBe("model m:1 is gone");
    expect(settleItem(item(rejectionEntryName("e1", "w.report", raw)), result)).toBe(
      "kept, rewritten",
    );
  });

  it("removes an entry whose rejection came back under another workflow's entry only", () => {
    const counts = emptyCounts();
    const result: ItemResult = { rewritten: new Set() };
    tallyOutcome(
      counts,
      result,
      {
        kind: "processed",
        event,
        skipped: [],
        workflows: [{ kind: "rejected", workflow: "w", reason: "no" }],
      },
      raw,
    );
    expect(settleItem(item(rejectionEntryName("e1", null, raw)), result)).toBe(
      "removed, rejected elsewhere",
    );
    // A dead letter has no entry of its own: it is kept.
    expect(settleItem(item(), result)).toBe("kept");
  });
});
