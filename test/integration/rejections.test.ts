import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startLocalHost } from "../../scripts/localHost/webhookServer";
import {
  FUNCTION_NAMES,
  HOST_STORAGE_SETTINGS,
  SETTING_NAMES,
  STORAGE_CONTAINERS,
  WEBHOOK_PATH,
} from "../../shared/constants";
import { createBlobRejectionStore } from "../../shared/rejections/blobRejectionStore";
import { rejectionEntryName } from "../../shared/rejections/rejectionStore";
import { startTestAzurite } from "../support/azurite";
import { functionsWith, handlerWith } from "../support/functionModule";
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

  it("recreates the rejected-events container when a write finds it deleted, and keeps the rejection", async () => {
    const handler = await loadHandler({
      [HOST_STORAGE_SETTINGS.connectionString]: azurite.connectionString,
    });
    const first = sampleEvent("malformed.eventgrid.json");
    first.id = "gone-0001";
    await handler(first, capturingContext().context);
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
    await container.delete();
    const second = sampleEvent("malformed.eventgrid.json");
    second.id = "gone-0002";
    await handler(second, capturingContext().context);
    expect(
      await container.getBlobClient(rejectionEntryName("gone-0002", null, second)).exists(),
    ).toBe(true);
  });

  it("throws, so Event Grid keeps the event, when the rejection cannot be written", async () => {
    // The storage answers (the event is archived), but the rejection's blob is leased by someone
    // else, so writing it is refused.
    const raw = sampleEvent("malformed.eventgrid.json");
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient(rejectionEntryName(String(raw.id), null, raw));
    await blob.upload("{}", 2);
    await blob.getBlobLeaseClient().acquireLease(-1);
    const handler = await loadHandler({
      [HOST_STORAGE_SETTINGS.connectionString]: azurite.connectionString,
    });
    await expect(handler(raw, capturingContext().context)).rejects.toMatchObject({
      name: "TransientError",
      message: expect.stringMatching(
        /cannot keep the rejection in http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/rejected-events/,
      ) as string,
    });
    await blob.getBlobLeaseClient().breakLease(0);
  }, 60_000);
});

describe("the local loop keeps acknowledged rejections through an Azurite crash", () => {
  it("every rejection answered 202 is in Azurite after a SIGKILL and a restart on the same folder", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "azurite-crash-"));
    const azurite = await startTestAzurite(dataDir);
    const host = await startLocalHost(0, {
      functions: functionsWith({
        [HOST_STORAGE_SETTINGS.connectionString]: azurite.connectionString,
      }),
    });
    const url = `http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=${FUNCTION_NAMES.triggerPipelines}`;
    const ids = Array.from({ length: 12 }, (_, i) => `crash-${i}`);
    for (const id of ids) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
        body: JSON.stringify({ ...sampleEvent("malformed.eventgrid.json"), id }),
      });
      expect(response.status).toBe(202);
    }
    const exited = new Promise((resolve) => azurite.process.once("exit", resolve));
    azurite.process.kill("SIGKILL");
    await exited;
    await new Promise<void>((resolve) => {
      host.server.close(() => {
        resolve();
      });
    });

    const restarted = await startTestAzurite(dataDir);
    try {
      const container = BlobServiceClient.fromConnectionString(
        restarted.connectionString,
      ).getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
      const names = [];
      if (await container.exists())
        for await (const blob of container.listBlobsFlat()) names.push(blob.name.split("-")[1]);
      expect(names.sort()).toEqual(ids.map((id) => id.split("-")[1]).sort());
    } finally {
      await restarted.stop();
    }
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
