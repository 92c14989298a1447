import { describe, expect, it } from "vitest";

import { loadWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import { parseWindowDuration } from "../../shared/compile/workflows/windowDuration";
import { readCompiledConfig } from "../../shared/workflows/readCompiledConfig";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const workflow = (on: string, coalesce: string) => `workflows:
  - name: wf
    on: ${on}
    pipeline: p.yml
    coalesce: ${coalesce}
`;

function load(yaml: string) {
  return loadWorkflows(writeConfig({ "workflows.yaml": yaml, "p.yml": MINIMAL_PIPELINE }));
}

function problems(yaml: string): string {
  const result = load(yaml);
  if (result.ok) throw new Error("expected the config to be refused");
  return result.error.message;
}

describe("coalesce: { key, window } in workflows.yaml", () => {
  it.each([
    ["90s", 90],
    ["10m", 600],
    ["1h30m", 5400],
    ["7d", 604_800],
    [45, 45],
  ])("reads the window %j as %i seconds", (written, seconds) => {
    expect(parseWindowDuration(written)).toEqual({ ok: true, value: seconds });
  });

  it.each([["0s"], ["8d"], ["10 minutes"], [-5], [1.5], ["m"]])(
    "refuses the window %j, saying what a window may be",
    (written) => {
      const parsed = parseWindowDuration(written);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? "" : parsed.errors.join()).toMatch(
        /not a duration|out of range: from 1s to 7d/,
      );
    },
  );

  it("keys a model workflow by the model's name unless told otherwise, and keeps the window in seconds", () => {
    const result = load(workflow("ModelRegistered", "{ window: 10m }"));
    if (!result.ok) throw result.error;
    expect(result.value.workflows[0]?.coalesce).toEqual({
      key: [{ placeholder: { source: "model", field: "name" }, raw: "{{ model.name }}" }],
      windowSeconds: 600,
    });
    expect(result.value.compiled.workflows[0]?.coalesce?.windowSeconds).toBe(600);
  });

  it("takes a key of placeholders and text", () => {
    const result = load(
      workflow("ModelRegistered", '{ key: "{{ model.name }}-{{ model.tags.team }}", window: 30s }'),
    );
    expect(result.ok && result.value.workflows[0]?.coalesce?.key).toHaveLength(3);
  });

  it.each([
    ["no window", workflow("ModelRegistered", "{ key: x }"), /coalesce: .*window/],
    [
      "a bad window",
      workflow("ModelRegistered", "{ window: soon }"),
      /coalesce\.window: "soon" is not a duration/,
    ],
    [
      "no key where the event has no model",
      workflow("DataVersionCreated", "{ window: 10m }"),
      /coalesce: coalesce needs a key/,
    ],
    [
      "a model placeholder where the event has no model",
      workflow("DataVersionCreated", '{ key: "{{ model.name }}", window: 10m }'),
      /coalesce\.key: a model placeholder needs a model/,
    ],
    [
      "an unknown placeholder",
      workflow("ModelRegistered", '{ key: "{{ nope }}", window: 10m }'),
      /coalesce\.key: unknown placeholder "\{\{ nope \}\}"/,
    ],
    [
      "an unknown key in coalesce",
      workflow("ModelRegistered", "{ window: 10m, wait: 5m }"),
      /coalesce\.wait: unknown key "wait"/,
    ],
  ])("refuses %s, naming where", (_, yaml, message) => {
    expect(problems(yaml)).toMatch(message);
  });

  it("writes format 2 and still reads a format-1 file (one from before coalescing)", () => {
    const result = load(workflow("ModelRegistered", "{ window: 10m }"));
    if (!result.ok) throw result.error;
    expect(result.value.compiled.format).toBe(2);
    const file = writeConfig({
      "workflows.yaml": "",
      "old.json": JSON.stringify({ ...result.value.compiled, format: 1 }),
    }).replace(/workflows\.yaml$/, "old.json");
    expect(readCompiledConfig(file).ok).toBe(true);
    const newer = writeConfig({
      "newer.json": JSON.stringify({ ...result.value.compiled, format: 3 }),
    }).replace(/workflows\.yaml$/, "newer.json");
    const read = readCompiledConfig(newer);
    expect(read.ok ? "" : read.errors.join()).toMatch(/not a compiled workflows file of format 2/);
  });
});
