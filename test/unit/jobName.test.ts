import { describe, expect, it } from "vitest";

import { JOB_NAME_PATTERN, jobNameFor } from "../../shared/aml/jobName";

describe("jobNameFor", () => {
  it("is the same for the same event and workflow", () => {
    expect(jobNameFor("evt-1", "wf")).toBe(jobNameFor("evt-1", "wf"));
  });
  it("differs for another workflow or another event", () => {
    expect(jobNameFor("evt-1", "wf-a")).not.toBe(jobNameFor("evt-1", "wf-b"));
    expect(jobNameFor("evt-1", "wf")).not.toBe(jobNameFor("evt-2", "wf"));
  });
  it.each([
    "831e1650-001e-001b-66ab-eeb76e069631",
    "../../etc/passwd",
    "ünïcødé 🚀",
    "x".repeat(5000),
    "${{parent}}",
  ])("is valid for ARM whatever the event id (%s)", (id) => {
    const name = jobNameFor(id, "validate-registered-model");
    expect(name).toMatch(JOB_NAME_PATTERN);
    expect(name.startsWith("validate-registered-model-")).toBe(true);
  });
});
