import { describe, expect, it } from "vitest";

import { normalizeEvent } from "../../shared/events/normalizeEvent";
import { sampleEvent } from "../support/samples";

describe("normalizeEvent", () => {
  it("reads an Event Grid ModelRegistered event with camelCase data and a string version", () => {
    const result = normalizeEvent(sampleEvent("model-registered.eventgrid.json"));
    expect(result).toMatchObject({
      ok: true,
      value: {
        id: "5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11",
        type: "Microsoft.MachineLearningServices.ModelRegistered",
        subject: "models/credit-risk:3",
        time: "2026-11-24T09:30:00.000Z",
        schema: "eventgrid",
        model: { name: "credit-risk", version: "3", tags: { stage: "candidate", team: "risk" } },
      },
    });
    expect(result.ok && result.value.source).toMatch(/workspaces\/example-workspace$/);
  });

  it("reads PascalCase data with a numeric version", () => {
    const result = normalizeEvent(sampleEvent("model-registered.pascal.eventgrid.json"));
    expect(result.ok && result.value.model).toEqual({
      name: "sklearn_regression_model",
      version: "20",
      tags: { stage: "candidate", area: "diabetes" },
    });
  });

  it("reads a CloudEvents 1.0 event into the same shape", () => {
    const result = normalizeEvent(sampleEvent("model-registered.cloudevent.json"));
    expect(result).toMatchObject({
      ok: true,
      value: {
        schema: "cloudevents",
        type: "Microsoft.MachineLearningServices.ModelRegistered",
        time: "2026-11-24T09:32:00.000Z",
        model: { name: "credit-risk", version: "4" },
      },
    });
    expect(result.ok && result.value.source).toMatch(/^\/subscriptions\//);
  });

  it("decodes CloudEvents data given as a JSON string or as base64, keeping the model's tags", () => {
    const event = sampleEvent("model-registered.cloudevent.json");
    const asString = { ...event, data: JSON.stringify(event.data) };
    const asBase64 = {
      ...event,
      data: undefined,
      data_base64: Buffer.from(JSON.stringify(event.data)).toString("base64"),
    };
    for (const raw of [asString, asBase64])
      expect(normalizeEvent(raw)).toMatchObject({
        ok: true,
        value: { model: { name: "credit-risk", version: "4", tags: { stage: "candidate" } } },
      });
  });

  it("refuses CloudEvents data it cannot read, saying why", () => {
    const event = sampleEvent("model-registered.cloudevent.json");
    const reasons = (raw: unknown) => {
      const result = normalizeEvent(raw);
      return result.ok ? [] : result.errors;
    };
    expect(
      reasons({
        ...event,
        data: undefined,
        datacontenttype: "application/octet-stream",
        data_base64: "AAEC",
      }),
    ).toEqual([
      "cloudevents event carries binary data (data_base64, application/octet-stream); only JSON data is supported",
    ]);
    expect(reasons({ ...event, data: "{not json" })).toEqual([
      "cloudevents event's data is not JSON (datacontenttype application/json)",
    ]);
    expect(reasons({ ...event, data_base64: "e30=" })).toEqual([
      'cloudevents event has both "data" and "data_base64"',
    ]);
  });

  it("falls back to the subject models/{name}:{version} when data lacks the model", () => {
    const result = normalizeEvent({
      id: "1",
      eventType: "Microsoft.MachineLearningServices.ModelRegistered",
      subject: "models/my.model-x:12",
      data: {},
    });
    expect(result.ok && result.value.model).toEqual({
      name: "my.model-x",
      version: "12",
      tags: {},
    });
  });

  it.each([
    [
      "a 1 MB model name",
      { modelName: "m".repeat(1_000_000), modelVersion: "1" },
      /model name is 1000000 characters; Azure ML names hold at most 255/,
    ],
    [
      "a model name holding NUL",
      { modelName: "m\u0000x", modelVersion: "1" },
      /model name holds a control character \(U\+0000\)/,
    ],
    [
      "a model version holding a control character",
      { modelName: "m", modelVersion: "1\u001b[2J" },
      /model version holds a control character \(U\+001B\)/,
    ],
    [
      "a model version beyond ARM's limit",
      { modelName: "m", modelVersion: "9".repeat(300) },
      /model version is 300 characters/,
    ],
  ])("refuses %s, which ARM cannot hold, with a short reason", (_, data, reason) => {
    const result = normalizeEvent({
      id: "1",
      eventType: "Microsoft.MachineLearningServices.ModelRegistered",
      data,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join("; ")).toMatch(reason);
    expect(!result.ok && result.errors.join("; ").length).toBeLessThan(1000);
  });

  it("keeps a __proto__ tag as a tag and does not touch the prototype", () => {
    const raw = JSON.parse(
      '{"id":"1","eventType":"Microsoft.MachineLearningServices.ModelRegistered","subject":"models/m:1","data":{"modelTags":{"__proto__":"x","ok":"y"}}}',
    ) as unknown;
    const result = normalizeEvent(raw);
    expect(result.ok && Object.keys(result.value.model?.tags ?? {})).toEqual(["__proto__", "ok"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ["a string", "hello", /not an object/],
    ["null", null, /null, not an object/],
    ["an array", [{}], /an array, not an object/],
    ["an event without an id", { eventType: "t" }, /has no "id"/],
    ["an Event Grid event without eventType", { id: "1", type: "t" }, /has no "eventType"/],
    [
      "a CloudEvent without type",
      { specversion: "1.0", id: "1", source: "s" },
      /cloudevents event has no "type"/,
    ],
    ["a CloudEvent of another version", { specversion: "0.3", id: "1", type: "t" }, /only "1.0"/],
    [
      "a subject that is not a string",
      { id: "1", eventType: "t", subject: 5 },
      /"subject" must be a string/,
    ],
    [
      "ModelRegistered without a model name",
      {
        id: "1",
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        subject: "x",
        data: { modelVersion: 1 },
      },
      /no model name/,
    ],
    [
      "ModelRegistered without a version",
      {
        id: "1",
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        data: { ModelName: "m" },
      },
      /no model version/,
    ],
  ])("rejects %s, saying what is wrong", (_label, raw, reason) => {
    const result = normalizeEvent(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join("; ")).toMatch(reason);
  });
});
