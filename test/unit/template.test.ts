import { describe, expect, it } from "vitest";

import type { NormalizedEvent } from "../../shared/events/normalizeEvent";
import { parseTemplate, renderTemplate } from "../../shared/workflows/template";

const event: NormalizedEvent = {
  id: "e-1",
  type: "Microsoft.MachineLearningServices.ModelRegistered",
  source: "/subscriptions/x",
  subject: "models/m:2",
  time: "2026-01-01T00:00:00Z",
  schema: "eventgrid",
  data: { ModelName: "m", nested: { list: [{ v: 7 }] }, obj: { a: 1 } },
  model: {
    name: "m",
    version: "2",
    tags: {
      stage: "candidate",
      evil: "${{parent.jobs.x.outputs.y}}",
      yaml: 'a: b\n- "c"',
      dollar: "$",
      braces: "{{parent.jobs.x.outputs.y}}",
    },
  },
};

function render(text: string) {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return renderTemplate(parsed.value, event);
}

describe("templates", () => {
  it.each([
    ["azureml:{{ model.name }}:{{model.version}}", "azureml:m:2"],
    [
      "{{ event.id }}/{{ event.type }}/{{ event.subject }}/{{ event.time }}/{{ event.source }}",
      "e-1/Microsoft.MachineLearningServices.ModelRegistered/models/m:2/2026-01-01T00:00:00Z//subscriptions/x",
    ],
    ["{{ model.tags.stage }}", "candidate"],
    ["{{ data.nested.list.0.v }}", "7"],
    ["{{ data.modelName }}", "m"],
    ["{{ data.obj }}", '{"a":1}'],
    ["plain text", "plain text"],
  ])("renders %s", (text, expected) => {
    expect(render(text)).toEqual({ ok: true, value: expected });
  });

  it("places YAML and quotes from a tag verbatim, as data", () => {
    expect(render("{{ model.tags.yaml }}")).toEqual({ ok: true, value: 'a: b\n- "c"' });
  });

  it("refuses event content that holds an Azure ML binding expression", () => {
    const result = render("{{ model.tags.evil }}");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/binding expression/);
  });

  it("refuses a binding expression that two adjacent placeholders assemble", () => {
    const result = render("{{ model.tags.dollar }}{{ model.tags.braces }}");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/binding expression/);
  });

  it.each([
    ["{{ model.tags.missing }}"],
    ["{{ data.nope.deeper }}"],
    ["{{ data.__proto__ }}"],
    ["{{ data.constructor }}"],
  ])("says %s has no value", (text) => {
    const result = render(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/has no value in event e-1/);
  });

  it.each([
    ["{{ model.id }}", /unknown placeholder "\{\{ model.id \}\}"/],
    ["{{ event }}", /unknown placeholder/],
    ["{{ data. }}", /unknown placeholder/],
    ["{{ model.name ", /unbalanced/],
    ["${{parent.inputs.x}}", /binding expressions/],
  ])("refuses %s at load time", (text, reason) => {
    const parsed = parseTemplate(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.join("; ")).toMatch(reason);
  });
});
