import { describe, expect, it } from "vitest";

import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import { describeOutcome } from "../../shared/core/describeOutcome";
import { normalizeEvent } from "../../shared/events/normalizeEvent";
import { firstFailedCondition } from "../../shared/workflows/matchWorkflows";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const [retrain, staged, runs] = loadWorkflowsOrThrow(
  writeConfig({
    "workflows.yaml": `workflows:
  - name: retrain
    on: ModelRegistered
    when: { tags: { retrain: true } }
    pipeline: p.yml
  - name: staged
    on: ModelRegistered
    when: { model: "churn*", tags: { stage: candidate } }
    pipeline: p.yml
  - name: runs
    on: RunCompleted
    when: { subject: "experiments/*" }
    pipeline: p.yml
`,
    "p.yml": MINIMAL_PIPELINE,
  }),
).workflows;

function modelEvent(name: string, tags: Record<string, string>) {
  const event = normalizeEvent({
    id: "e\n1",
    eventType: "Microsoft.MachineLearningServices.ModelRegistered",
    subject: `models/${name}:3`,
    data: { modelName: name, modelVersion: "3", modelTags: tags },
  });
  if (!event.ok) throw new Error(event.errors.join("; "));
  return event.value;
}

describe("firstFailedCondition: how tags compare", () => {
  it("a YAML boolean matches Python's True and JSON's true, and nothing else", () => {
    expect(firstFailedCondition(retrain!, modelEvent("m", { retrain: "True" }))).toBeUndefined();
    expect(firstFailedCondition(retrain!, modelEvent("m", { retrain: "true" }))).toBeUndefined();
    expect(firstFailedCondition(retrain!, modelEvent("m", { retrain: "yes" }))).toBe(
      'tag retrain "yes" is not true (true matches any case, e.g. Python\'s True)',
    );
  });

  it("tag keys compare without case; values are globs that do", () => {
    expect(
      firstFailedCondition(staged!, modelEvent("churn", { Stage: "candidate" })),
    ).toBeUndefined();
    expect(firstFailedCondition(staged!, modelEvent("churn", { stage: "Candidate" }))).toBe(
      'tag stage "Candidate" does not match "candidate"',
    );
  });

  it("names the first condition that fails, in the order type, subject, model, tags", () => {
    expect(firstFailedCondition(runs!, modelEvent("churn", {}))).toBe(
      "listens for RunCompleted, not ModelRegistered",
    );
    expect(firstFailedCondition(staged!, modelEvent("fraud", {}))).toBe(
      'model "fraud" does not match "churn*"',
    );
    expect(firstFailedCondition(staged!, modelEvent("churn", { team: "a" }))).toBe(
      "tag stage is missing (the model's tags: team)",
    );
  });
});

describe("describeOutcome", () => {
  it("escapes control characters from event content, so one outcome stays one log line", () => {
    const lines = describeOutcome({
      kind: "ignored",
      event: { id: "e\n1\rforged", type: "x.y", source: "", subject: "" },
      reason: "no workflow listens for x.y",
      skipped: [],
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toBe(
      "ignored event e\\u000a1\\u000dforged (x.y): no workflow listens for x.y",
    );
  });
});

describe("bounded and escaped log lines", () => {
  const ignored = (id: string, skipped: number) =>
    describeOutcome({
      kind: "ignored",
      event: { id, type: "x.y", source: "", subject: "" },
      reason: "no workflow's conditions hold",
      skipped: Array.from({ length: skipped }, (_, i) => ({ workflow: `w${i}`, why: "no" })),
    });

  it("escapes bidi controls and other format characters, so a line reads as it is", () => {
    expect(ignored("e\u202e1\u200f\u2066\ufeff", 0)[0]?.message).toBe(
      "ignored event e\\u202e1\\u200f\\u2066\\ufeff (x.y): no workflow's conditions hold",
    );
  });

  it("lists a bounded number of skipped reasons, then how many more", () => {
    const message = ignored("e1", 50)[0]?.message ?? "";
    expect(message).toMatch(/w9: no; … and 40 more$/);
    expect(message).not.toMatch(/w10:/);
  });

  it("bounds a line that carries a huge event value", () => {
    const message = ignored("e".repeat(1_000_000), 0)[0]?.message ?? "";
    expect(message.length).toBeLessThan(5000);
    expect(message).toMatch(/… \(\d+ more characters\)$/);
  });

  it("names a bounded number of the model's tags when a tag condition fails", () => {
    const tags = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`t${i}`, "v"]));
    const why = firstFailedCondition(staged!, modelEvent("churn", tags)) ?? "";
    expect(why).toMatch(
      /^tag stage is missing \(the model's tags: t0, t1, .*t9, … and 9990 more\)$/,
    );
  });
});

describe("a chained workflow's conditions", () => {
  const [, follower] = loadWorkflowsOrThrow(
    writeConfig({
      "workflows.yaml": `workflows:
  - name: validate
    on: ModelRegistered
    pipeline: p.yml
  - name: promote
    on: { workflow: validate }
    pipeline: p.yml
`,
      "p.yml": MINIMAL_PIPELINE,
    }),
  ).workflows;
  const completed = (tags: Record<string, string>) => {
    const event = normalizeEvent({
      id: "run-1",
      eventType: "Microsoft.MachineLearningServices.RunCompleted",
      subject: "experiments/e/runs/job-1",
      data: { experimentName: "e", runId: "job-1", runTags: tags },
    });
    if (!event.ok) throw new Error(event.errors.join("; "));
    return event.value;
  };

  it("hold for the upstream workflow's job, and say whose job another run is", () => {
    if (!follower) throw new Error("no follower");
    expect(
      firstFailedCondition(follower, completed({ "trigger.workflow": "validate" })),
    ).toBeUndefined();
    expect(firstFailedCondition(follower, completed({ "trigger.workflow": "train" }))).toBe(
      "follows workflow validate; job job-1 is workflow train's",
    );
    expect(firstFailedCondition(follower, completed({}))).toBe(
      "follows workflow validate; job job-1 was not started by a workflow",
    );
  });
});
