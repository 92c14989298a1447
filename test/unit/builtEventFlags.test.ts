import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { UsageError } from "../../scripts/cli/runCommand";
import { type EventFlagValues, eventsFromFlags } from "../../scripts/events/fromFlags";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { PLACEHOLDER_WORKSPACE_ID, WATCHED_EVENT_TYPES } from "../../shared/constants";
import { normalizeEvent } from "../../shared/events/normalizeEvent";
import type { Target } from "../../shared/settings";

const placeholder = parseWorkspaceId(PLACEHOLDER_WORKSPACE_ID);
if (!placeholder.ok) throw new Error("the placeholder workspace id does not parse");
const dryRun: Target = { kind: "dry-run", workspace: placeholder.value, dir: "/nonexistent" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ACCOUNT =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/landingdata";
const HUB =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/data-rg/providers/Microsoft.Devices/IotHubs/hub";

/** The built events, with no EVENT_SOURCES unless the test gives some. */
function built(values: EventFlagValues, eventSources: string[] = []) {
  return eventsFromFlags([], values, dryRun, eventSources);
}

function only(values: EventFlagValues, eventSources: string[] = []): Record<string, unknown> {
  const events = built(values, eventSources);
  expect(events).toHaveLength(1);
  return events[0]?.event as Record<string, unknown>;
}

/** An ISO time within the test's run, as a fresh event carries. */
function isFresh(time: unknown, since: number): boolean {
  return typeof time === "string" && Date.parse(time) >= since && Date.parse(time) <= Date.now();
}

describe("--tags-changed: the watcher's ModelTagsChanged event", () => {
  it("builds it from the served workspace, with every --tag, as for a version new to the watcher", () => {
    const since = Date.now();
    const event = only({ "tags-changed": ["churn:3"], tag: ["approved=true", "stage=candidate"] });
    expect(event).toEqual({
      id: expect.stringMatching(UUID) as string,
      topic: PLACEHOLDER_WORKSPACE_ID,
      subject: "models/churn:3",
      eventType: WATCHED_EVENT_TYPES.modelTagsChanged,
      eventTime: expect.any(String) as string,
      data: {
        modelName: "churn",
        modelVersion: "3",
        modelTags: { approved: "true", stage: "candidate" },
        previousModelTags: null,
        modelCreatedAt: expect.any(String) as string,
      },
      dataVersion: "1",
      metadataVersion: "1",
    });
    expect(isFresh(event.eventTime, since)).toBe(true);
    expect(isFresh((event.data as Record<string, unknown>).modelCreatedAt, since)).toBe(true);
    const normalized = normalizeEvent(event);
    expect(normalized.ok && normalized.value.model).toMatchObject({ name: "churn", version: "3" });
  });

  it("gives --tag to --model and --tags-changed events alike, each with an id of its own", () => {
    const events = built({
      model: ["churn:3"],
      "tags-changed": ["churn:3", "team:fraud:2"],
      tag: ["stage=candidate"],
    });
    expect(events.map((e) => e.from)).toEqual([
      "--model churn:3",
      "--tags-changed churn:3",
      "--tags-changed team:fraud:2",
    ]);
    const data = events.map((e) => (e.event as { data: Record<string, unknown> }).data);
    expect(data.map((d) => d.modelTags)).toEqual(Array(3).fill({ stage: "candidate" }));
    expect(data[2]).toMatchObject({ modelName: "team:fraud", modelVersion: "2" });
    expect(new Set(events.map((e) => (e.event as { id: string }).id)).size).toBe(3);
  });

  it("builds a CloudEvent from another workspace when asked", () => {
    const event = only({ "tags-changed": ["churn:3"], cloudevents: true, workspace: "/ws/x" });
    expect(event).toMatchObject({
      specversion: "1.0",
      source: "/ws/x",
      type: WATCHED_EVENT_TYPES.modelTagsChanged,
      subject: "models/churn:3",
      data: { modelTags: {}, previousModelTags: null },
    });
  });
});

describe("--data-version: the watcher's DataVersionCreated event", () => {
  it("defaults the URI to a folder of the workspace's default datastore", () => {
    const since = Date.now();
    const event = only({ "data-version": ["churn-training:7"] });
    expect(event).toMatchObject({
      topic: PLACEHOLDER_WORKSPACE_ID,
      subject: "data/churn-training:7",
      eventType: WATCHED_EVENT_TYPES.dataVersionCreated,
      dataVersion: "1",
      metadataVersion: "1",
      data: {
        dataName: "churn-training",
        dataVersion: "7",
        dataUri: "azureml://datastores/workspaceblobstore/paths/churn-training/7/",
        dataType: "uri_folder",
        dataTags: {},
      },
    });
    expect(event.id).toMatch(UUID);
    expect(isFresh((event.data as Record<string, unknown>).dataCreatedAt, since)).toBe(true);
    expect(normalizeEvent(event).ok).toBe(true);
  });

  it.each([
    ["azureml://datastores/landing/paths/churn/2026-12-06.csv", "uri_file"],
    ["https://acct.blob.core.windows.net/landing/churn/", "uri_folder"],
  ])("--data-uri %s is a %s", (uri, type) => {
    const event = only({ "data-version": ["churn:8"], "data-uri": uri });
    expect(event.data).toMatchObject({ dataUri: uri, dataType: type });
  });

  it("builds one event per --data-version, each with its own default URI", () => {
    const events = built({ "data-version": ["a:1", "b:2"] });
    expect(events.map((e) => e.from)).toEqual(["--data-version a:1", "--data-version b:2"]);
    expect(events.map((e) => (e.event as { data: { dataUri: string } }).data.dataUri)).toEqual([
      "azureml://datastores/workspaceblobstore/paths/a/1/",
      "azureml://datastores/workspaceblobstore/paths/b/2/",
    ]);
  });
});

describe("the built events come in flag order, after the files'", () => {
  it("files, --model, --tags-changed, --data-version, --blob", () => {
    const file = join(mkdtempSync(join(tmpdir(), "built-flags-")), "e.json");
    writeFileSync(file, JSON.stringify({ id: "from-file" }));
    const events = eventsFromFlags(
      [file],
      { blob: ["c0n/p"], "data-version": ["d:1"], "tags-changed": ["m:2"], model: ["m:1"] },
      dryRun,
      [],
    );
    expect(events.map((e) => e.from)).toEqual([
      file,
      "--model m:1",
      "--tags-changed m:2",
      "--data-version d:1",
      "--blob c0n/p",
    ]);
  });
});

describe("bad values of the new flags are usage errors naming the flag and value", () => {
  it.each<[EventFlagValues, RegExp]>([
    [{ "tags-changed": ["churn"] }, /--tags-changed "churn" must be <name>:<version>/],
    [{ "tags-changed": ["churn:"] }, /--tags-changed "churn:" must be <name>:<version>/],
    [{ "tags-changed": ["churn:3"], tag: ["approved"] }, /--tag "approved" must be key=value/],
    [{ tag: ["approved=true"] }, /--tag needs --model or --tags-changed/],
    [{ "data-version": [":1"] }, /--data-version ":1" must be <name>:<version>/],
    [{ "data-uri": "azureml://x/" }, /--data-uri needs --data-version/],
    [
      { "data-version": ["a:1", "b:1"], "data-uri": "azureml://x/" },
      /--data-uri "azureml:\/\/x\/" is one data version's URI: give it with exactly one --data-version/,
    ],
    [
      { "data-version": ["a:1"], "data-uri": "churn/7/" },
      /--data-uri "churn\/7\/" must be a URI such as azureml:\/\/datastores\/<name>\/paths\/<path>/,
    ],
    [{ blob: ["landing"] }, /--blob "landing" must be <container>\/<path>/],
    [{ blob: ["/landing/a.csv"] }, /--blob "\/landing\/a.csv" must be <container>\/<path>/],
    [
      { blob: ["Landing/a.csv"] },
      /--blob "Landing\/a.csv": container "Landing" is not a container name/,
    ],
    [{ blob: ["a--b/a.csv"] }, /container "a--b" is not a container name/],
    [{ blob: ["landing/churn/"] }, /--blob "landing\/churn\/" names a folder/],
    [{ blob: [`landing/${"x".repeat(1025)}`] }, /a blob's path holds at most 1024 characters/],
    [{ account: ACCOUNT }, /--account needs --blob/],
    [
      { blob: ["landing/a.csv"], account: HUB },
      /--account ".*IotHubs\/hub" must be a storage account's ARM id/,
    ],
    [
      { blob: ["landing/a.csv"], account: ACCOUNT.replace("landingdata", "Landing_Data") },
      /--account ".*Landing_Data" must be a storage account's ARM id/,
    ],
  ])("%j", (values, message) => {
    expect(() => built(values)).toThrow(UsageError);
    expect(() => built(values)).toThrow(message);
  });

  it("the no-events message names every flag that builds one", () => {
    expect(() => built({})).toThrow(
      "no events: name an events file, or build one with --model, --tags-changed, --data-version, --blob, --completed or --failed",
    );
  });
});
