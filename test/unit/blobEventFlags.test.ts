import { describe, expect, it } from "vitest";

import { type EventFlagValues, eventsFromFlags } from "../../scripts/events/fromFlags";
import { blobContentType } from "../../scripts/sendEvent/blobEvents";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import {
  AZURE_EVENT_TYPES,
  PLACEHOLDER_STORAGE_ACCOUNT_ID,
  PLACEHOLDER_WORKSPACE_ID,
} from "../../shared/constants";
import { normalizeEvent } from "../../shared/events/normalizeEvent";
import type { Target } from "../../shared/settings";

// The documented shape: https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage

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

describe("--blob: Microsoft.Storage.BlobCreated as Azure Storage sends it", () => {
  it("builds PutBlob's event from the dry run's placeholder account, in the documented shape", () => {
    const event = only({ blob: ["landing/churn/2026-12-06.csv"] });
    expect(event).toEqual({
      id: expect.stringMatching(UUID) as string,
      topic: PLACEHOLDER_STORAGE_ACCOUNT_ID,
      subject: "/blobServices/default/containers/landing/blobs/churn/2026-12-06.csv",
      eventType: AZURE_EVENT_TYPES.blobCreated,
      eventTime: expect.any(String) as string,
      data: {
        api: "PutBlob",
        clientRequestId: expect.stringMatching(UUID) as string,
        requestId: `${(event.id as string).slice(0, -6)}000000`,
        eTag: expect.stringMatching(/^"0x8D[0-9A-F]{13}"$/) as string,
        contentType: "text/csv",
        contentLength: 0,
        blobType: "BlockBlob",
        url: "https://examplestorage.blob.core.windows.net/landing/churn/2026-12-06.csv",
        sequencer: expect.stringMatching(/^[0-9A-F]{32}$/) as string,
        storageDiagnostics: { batchId: expect.stringMatching(UUID) as string },
      },
      dataVersion: "",
      metadataVersion: "1",
    });
    const normalized = normalizeEvent(event);
    expect(normalized.ok && normalized.value.blob).toEqual({
      account: "examplestorage",
      container: "landing",
      path: "churn/2026-12-06.csv",
      url: "https://examplestorage.blob.core.windows.net/landing/churn/2026-12-06.csv",
    });
  });

  it("takes the first storage account EVENT_SOURCES lists, passing over other resources", () => {
    const event = only({ blob: ["landing/x.json"] }, [
      HUB,
      ACCOUNT,
      PLACEHOLDER_STORAGE_ACCOUNT_ID,
    ]);
    expect(event.topic).toBe(ACCOUNT);
    expect(event.data).toMatchObject({
      url: "https://landingdata.blob.core.windows.net/landing/x.json",
    });
  });

  it("--account wins over EVENT_SOURCES, for every --blob, as CloudEvents when asked", () => {
    const events = built(
      { blob: ["landing/a.parquet", "raw/b"], account: ACCOUNT, cloudevents: true },
      [PLACEHOLDER_STORAGE_ACCOUNT_ID],
    );
    expect(events.map((e) => e.from)).toEqual(["--blob landing/a.parquet", "--blob raw/b"]);
    expect(events[1]?.event).toMatchObject({
      specversion: "1.0",
      source: ACCOUNT,
      type: AZURE_EVENT_TYPES.blobCreated,
      subject: "/blobServices/default/containers/raw/blobs/b",
      data: { url: "https://landingdata.blob.core.windows.net/raw/b" },
    });
  });

  it("percent-encodes each path segment in the URL and leaves the subject as written", () => {
    const event = only({ blob: ["landing/raw data/a b#1?.csv"] });
    expect(event.subject).toBe(
      "/blobServices/default/containers/landing/blobs/raw data/a b#1?.csv",
    );
    expect(event.data).toMatchObject({
      url: "https://examplestorage.blob.core.windows.net/landing/raw%20data/a%20b%231%3F.csv",
    });
  });

  it("gives each blob a sequencer above the last one's", () => {
    const events = built({ blob: ["landing/a.csv", "landing/a.csv", "landing/a.csv"] });
    const sequencers = events.map(
      (e) => (e.event as { data: { sequencer: string } }).data.sequencer,
    );
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(3);
  });

  it.each([
    ["churn/2026-12-06.csv", "text/csv"],
    ["a/B.JSON", "application/json"],
    ["part-0.parquet", "application/octet-stream"],
    ["model.pkl", "application/octet-stream"],
    ["no-extension", "application/octet-stream"],
    ["dir.csv/.hidden", "application/octet-stream"],
  ])("guesses %s's content type: %s", (path, type) => {
    expect(blobContentType(path)).toBe(type);
  });
});
