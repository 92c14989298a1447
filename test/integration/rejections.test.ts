import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { HOST_STORAGE_SETTINGS, SETTING_NAMES, STORAGE_CONTAINERS } from "../../shared/constants";
import { createBlobRejectionStore } from "../../shared/rejections/blobRejectionStore";
import { rejectionEntryName } from "../../shared/rejections/rejectionStore";
import { startTestAzurite } from "../support/azurite";
import { handlerWith } from "../support/functionModule";
import { capturingContext } from "../support/invocation";
import { sampleEvent } from "../support/samples";

const loadHandler = (settings: Record<string, string>) =>
  Promise.resolve().then(() => handlerWith(settings));

describe("rejection entry names", () => {
  it.each([["../../etc/passwd"], ["a/b\\c"], ["ünï 🚀"], [""], ["x".repeat(2000)]])(
    "are one safe folder and file for %j",
    (id) => {
      const name = rejectionEntryName(id, "wf", {});
      expect(name).toMatch(/^[A-Za-z0-9_.-]{1,64}-[0-9a-f]{16}\/wf\.json$/);
      expect(name.startsWith(".")).toBe(false);
    },
  );
  it("differ for ids that read alike", () => {
    expect(rejectionEntryName("a/b", "wf", {})).not.toBe(rejectionEntryName("a_b", "wf", {}));
  });
});

describe("rejected events are kept in Blob Storage (Azurite)", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  beforeAll(async () => {
    azurite = await startTestAzurite();
  }, 30_000);
  afterAll(() => azurite.stop());

  it("the handler writes one blob per rejected event, with the event, the reason and the time", async () => {
    const handler = await loadHandler({
      [HOST_STORAGE_SETTINGS.connectionString]: azurite.connectionString,
    });
    const raw = sampleEvent("malformed.eventgrid.json");
    await handler(raw, capturingContext().context);
    await handler(raw, capturingContext().context); // a redelivery overwrites, it does not add

    const store = createBlobRejectionStore(
      () => BlobServiceClient.fromConnectionString(azurite.connectionString),
      "azurite/",
    );
    const entries = [];
    for await (const entry of store.list()) if ("rejection" in entry) entries.push(entry);
    expect(entries.map((e) => e.name)).toEqual([rejectionEntryName("bad-0001", null, raw)]);
    expect(entries[0]?.name).toBe(rejectionEntryName("bad-0001", null, raw));
    expect(entries[0]?.rejection).toMatchObject({
      eventId: "bad-0001",
      workflow: null,
      reason: expect.stringMatching(/no model name/) as string,
      event: raw,
    });
    expect(Date.parse(entries[0]!.rejection.time)).toBeGreaterThan(Date.now() - 60_000);
    await store.remove(entries[0]!.name);
    const after = [];
    for await (const entry of store.list()) after.push(entry);
    expect(after).toHaveLength(0);
  });

  it("names the workflow when a workflow rejected the event", async () => {
    const handler = await loadHandler({
      [HOST_STORAGE_SETTINGS.connectionString]: azurite.connectionString,
    });
    const event = sampleEvent("model-registered.eventgrid.json");
    (event.data as Record<string, unknown>).modelTags = { stage: "candidate" };
    event.subject = "models/credit-risk:3";
    // Event content may never inject an Azure ML binding: the workflow refuses this event.
    (event.data as Record<string, unknown>).modelVersion = "${{parent.inputs.x}}";
    event.id = "wf-reject-1";
    await handler(event, capturingContext().context);
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
    const blob = JSON.parse(
      (
        await container
          .getBlobClient(rejectionEntryName("wf-reject-1", "validate-registered-model", event))
          .downloadToBuffer()
      ).toString(),
    ) as { workflow: string; reason: string };
    expect(blob.workflow).toBe("validate-registered-model");
    expect(blob.reason).toMatch(/input "model": .*binding expression/);
  });

  it("throws, so Event Grid keeps the event, when the rejection cannot be written", async () => {
    const unreachable = azurite.connectionString.replace(
      /:(\d+)\/devstoreaccount1;Queue/,
      ":1/devstoreaccount1;Queue",
    );
    const handler = await loadHandler({ [HOST_STORAGE_SETTINGS.connectionString]: unreachable });
    await expect(
      handler(sampleEvent("malformed.eventgrid.json"), capturingContext().context),
    ).rejects.toMatchObject({
      name: "TransientError",
      message: expect.stringMatching(
        /cannot keep the rejection in http:\/\/127\.0\.0\.1:1\/devstoreaccount1\/rejected-events/,
      ) as string,
    });
  }, 60_000);
});

describe("without any storage setting, rejections go to a local folder", () => {
  it("writes the same entry as a file under REJECTED_DIR", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rejected-"));
    const handler = await loadHandler({ [SETTING_NAMES.rejectedDir]: dir });
    await handler(sampleEvent("malformed.eventgrid.json"), capturingContext().context);
    const [folder] = readdirSync(dir);
    const saved = JSON.parse(readFileSync(join(dir, folder!, "_event.json"), "utf8")) as {
      reason: string;
    };
    expect(saved.reason).toMatch(/malformed event/);
  });
});
