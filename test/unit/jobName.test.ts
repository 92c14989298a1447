import { describe, expect, it } from "vitest";

import { eventKey, JOB_NAME_PATTERN, jobNameFor } from "../../shared/aml/jobName";

const name = (id: string, workflow: string, source = "/s") =>
  jobNameFor(eventKey(source, id), workflow);

describe("jobNameFor", () => {
  it("is the same for the same event and workflow", () => {
    expect(name("evt-1", "wf")).toBe(name("evt-1", "wf"));
  });
  it("differs for another workflow, another event, or the same id from another source", () => {
    expect(name("evt-1", "wf-a")).not.toBe(name("evt-1", "wf-b"));
    expect(name("evt-1", "wf")).not.toBe(name("evt-2", "wf"));
    // CloudEvents ids are unique per source only.
    expect(name("evt-1", "wf", "/a")).not.toBe(name("evt-1", "wf", "/b"));
    // Not a plain concatenation: ("a\nb", "c") and ("a", "b\nc") are different events.
    expect(eventKey("a", "b-c")).not.toBe(eventKey("a-b", "c"));
  });
  it.each([
    "831e1650-001e-001b-66ab-eeb76e069631",
    "../../etc/passwd",
    "ünïcødé 🚀",
    "x".repeat(5000),
    "${{parent}}",
  ])("is valid for ARM whatever the event id (%s)", (id) => {
    const made = name(id, "validate-registered-model");
    expect(made).toMatch(JOB_NAME_PATTERN);
    expect(made.startsWith("validate-registered-model-")).toBe(true);
  });
});
