import { describe, expect, it } from "vitest";

import { REJECTIONS_QUERY } from "../../infra/components/alerts";
import { describeOutcome } from "../../shared/core/describeOutcome";
import type { EventOutcome } from "../../shared/core/outcome";

// What the alert's query looks for: an error-level line that starts with "rejected ".
const alerted = (line: { level: string; message: string }) =>
  line.level === "error" && line.message.startsWith("rejected ");

describe("the rejections alert's query", () => {
  it("matches the line the function logs for a rejected event and for a rejected workflow", () => {
    expect(REJECTIONS_QUERY).toContain('severityLevel >= 3 and message startswith "rejected "');
    const event: EventOutcome = { kind: "rejected", eventId: "e1", reason: "no data" };
    expect(describeOutcome(event).every(alerted)).toBe(true);
    const workflow = {
      kind: "processed",
      event: { id: "e2", type: "Microsoft.MachineLearningServices.ModelRegistered", model: "m:1" },
      skipped: [],
      workflows: [{ kind: "rejected", workflow: "validate", reason: "bad input" }],
    } as unknown as EventOutcome;
    expect(
      describeOutcome(workflow)
        .filter((l) => l.level === "error")
        .every(alerted),
    ).toBe(true);
    expect(describeOutcome(workflow).some(alerted)).toBe(true);
  });
});
