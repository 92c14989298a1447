import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { STORAGE_CONTAINERS } from "../../shared/constants";
import {
  createBlobRejectionDiscarder,
  createBlobRejectionStore,
} from "../../shared/rejections/blobRejectionStore";
import {
  createFolderRejectionDiscarder,
  createFolderRejectionStore,
} from "../../shared/rejections/folderRejectionStore";
import type { RejectionRecord, RejectionStore } from "../../shared/rejections/rejectionStore";
import { startTestAzurite } from "../support/azurite";
import { dryRunJobFiles } from "../support/dryRun";
import { runScript } from "../support/runScript";
import { sampleEvent } from "../support/samples";

const NO_STORAGE = {
  AzureWebJobsStorage: "",
  AzureWebJobsStorage__accountName: "",
  AzureWebJobsStorage__blobServiceUri: "",
  AML_WORKSPACE_ID: "",
};

const AUDIT = { by: "tester@ci", at: "2026-12-06T10:00:00.000Z" };

/** One that replays (its cause is gone), one that never can (the event is malformed). */
function twoRejections(): { replayable: RejectionRecord; hopeless: RejectionRecord } {
  const good = sampleEvent("model-registered.eventgrid.json");
  return {
    replayable: {
      eventId: String(good.id),
      workflow: "validate-registered-model",
      reason: "ARM answered 503",
      time: "2026-11-20T10:00:00.000Z",
      event: good,
    },
    hopeless: {
      eventId: "bad-0001",
      workflow: null,
      reason: "malformed event: no model name",
      time: "2026-11-21T10:00:00.000Z",
      event: sampleEvent("malformed.eventgrid.json"),
    },
  };
}

async function names(store: RejectionStore): Promise<string[]> {
  const found = [];
  for await (const entry of store.list()) found.push(entry.name);
  return found;
}

describe("npm run replay --discard, rejections in Blob Storage (Azurite)", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  let env: Record<string, string>;
  let store: RejectionStore;
  const service = () => BlobServiceClient.fromConnectionString(azurite.connectionString);
  const dryRunDir = mkdtempSync(join(tmpdir(), "discard-dry-"));

  beforeAll(async () => {
    azurite = await startTestAzurite();
    env = { ...NO_STORAGE, AzureWebJobsStorage: azurite.connectionString, DRY_RUN_DIR: dryRunDir };
    store = createBlobRejectionStore(service, "azurite/");
    const { replayable, hopeless } = twoRejections();
    await store.record(replayable);
    await store.record(hopeless);
  }, 30_000);
  afterAll(() => azurite.stop());

  const hopelessId = async () => {
    // The id is what a dry run prints for the entry.
    const { stdout } = await runScript("replay.ts", ["--from", "rejected", "--dry-run"], env);
    const id = /^(\S+) \(.*\): would fail again and be kept/m.exec(stdout)?.[1];
    expect(id).toMatch(/^bad-0001-[0-9a-f]{16}\/_event\.json$/);
    return id ?? "";
  };

  it("an id that names no rejection: exit 1 naming it, and nothing is dropped", async () => {
    const id = await hopelessId();
    const { status, stdout, stderr } = await runScript(
      "replay.ts",
      ["--discard", id, "--discard", "nope-0000000000000000/_event.json"],
      env,
    );
    expect(status).toBe(1);
    expect(stderr).toMatch(/nope-0000000000000000\/_event\.json: no such rejection in /);
    expect(stderr).toMatch(/nothing was discarded/);
    expect(stdout).not.toMatch(/discarded —/);
    expect(await names(store)).toHaveLength(2);
  });

  it("--dry-run says what it would discard and drops nothing", async () => {
    const { status, stdout } = await runScript(
      "replay.ts",
      ["--discard", await hopelessId(), "--dry-run"],
      env,
    );
    expect(status).toBe(0);
    expect(stdout).toMatch(/_event\.json: would discard — event bad-0001, rejected at 2026-11-21/);
    expect(stdout).toMatch(/discard \(dry run\): would discard 1\. Nothing was changed\./);
    expect(await names(store)).toHaveLength(2);
  });

  it("discards one of two (named as status prints it), keeps an audit copy, and the other still replays", async () => {
    const { stdout: statusOut } = await runScript("status.ts", ["--event", "bad-0001"], env);
    const where = /^\s+(\S+rejected-events\/bad-0001-\S+)$/m.exec(statusOut)?.[1] ?? "";
    expect(where).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/rejected-events\//);

    const discarded = await runScript("replay.ts", ["--discard", where], env);
    expect(discarded.status).toBe(0);
    expect(discarded.stdout).toMatch(
      /bad-0001-[0-9a-f]{16}\/_event\.json: discarded — event bad-0001, rejected at 2026-11-21T10:00:00\.000Z: malformed event: no model name; kept as discarded\/bad-0001-[0-9a-f]{16}\/_event\.\d{8}T\d{9}Z\.json/,
    );
    expect(discarded.stdout).toMatch(/discard: discarded=1 changed=0 by \S+@\S+ at /);

    const left = await names(store);
    expect(left).toEqual([expect.stringMatching(/\/validate-registered-model\.json$/)]);
    const container = service().getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
    const copies = [];
    for await (const blob of container.listBlobsFlat({ prefix: "discarded/" })) copies.push(blob);
    expect(copies).toHaveLength(1);
    const copy = JSON.parse(
      (await container.getBlobClient(copies[0]?.name ?? "").downloadToBuffer()).toString(),
    ) as Record<string, unknown>;
    expect(copy).toMatchObject({
      discarded: {
        by: expect.stringMatching(/@/) as unknown,
        from: where.split("/").slice(-2).join("/"),
      },
      eventId: "bad-0001",
      reason: "malformed event: no model name",
    });

    const replayed = await runScript("replay.ts", ["--from", "rejected"], env);
    expect(replayed.stdout).toMatch(
      /replay: read=1 events=1 submitted=1 .* removed=1 kept=0 corrupt=0/,
    );
    expect(replayed.status).toBe(0);
    expect(dryRunJobFiles(dryRunDir)).toEqual([
      "validate-registered-model-8d47168fa97e3e804446d32a.json",
    ]);
    // The audit copy is not a rejection: nothing replays or lists it.
    expect(await names(store)).toEqual([]);
    const after = [];
    for await (const blob of container.listBlobsFlat()) after.push(blob.name);
    expect(after).toEqual([copies[0]?.name]);
  });

  it("does not drop an entry the function rewrote after it was read (ETag), nor keep a copy of it", async () => {
    const container = service().getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
    const copies = async () => {
      const found = [];
      for await (const blob of container.listBlobsFlat({ prefix: "discarded/" }))
        found.push(blob.name);
      return found;
    };
    const before = await copies();
    const { hopeless } = twoRejections();
    await store.record(hopeless);
    const discarder = createBlobRejectionDiscarder(service(), "azurite/");
    const [name] = await names(store);
    const entry = await discarder.read(name ?? "");
    expect(entry).toBeDefined();
    await store.record({ ...hopeless, reason: "malformed event: rejected again" });
    expect(await discarder.discard(entry!, AUDIT)).toEqual({ kind: "changed" });
    const kept = [];
    for await (const e of store.list()) if ("rejection" in e) kept.push(e.rejection.reason);
    expect(kept).toEqual(["malformed event: rejected again"]);
    expect(await copies()).toEqual(before);
  });
});

describe("npm run replay --discard, rejections in a folder", () => {
  it("--help names it and what an id is", async () => {
    const { status, stdout } = await runScript("replay.ts", ["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/amlwf replay --discard <id> \[--discard <id> \.\.\.\] \[--dry-run\]/);
    expect(stdout).toMatch(
      /--discard ID +drop the rejection ID .*<event id>-<hash>\/<workflow>\.json/s,
    );
  });

  it("takes nothing that replays beside it (exit 2)", async () => {
    const { status, stderr } = await runScript("replay.ts", [
      "--discard",
      "x",
      "--from",
      "deadletter",
    ]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/--discard drops recorded rejections and replays nothing/);
  });

  it("discards a torn entry too, keeping its text, and leaves the other", async () => {
    const dir = mkdtempSync(join(tmpdir(), "discard-rejected-"));
    const store = createFolderRejectionStore(dir);
    await store.record(twoRejections().replayable);
    const discarder = createFolderRejectionDiscarder(dir);
    mkdirSync(join(dir, "a-0000000000000000"));
    writeFileSync(join(dir, "a-0000000000000000", "_event.json"), '{"reason": "torn');

    const { status, stdout } = await runScript(
      "replay.ts",
      ["--discard", "a-0000000000000000/_event.json"],
      { ...NO_STORAGE, REJECTED_DIR: dir },
    );
    expect(stdout).toMatch(
      /a-0000000000000000\/_event\.json: discarded — an entry that cannot be read/,
    );
    expect(status).toBe(0);
    expect(await names(store)).toEqual([expect.stringMatching(/validate-registered-model\.json$/)]);
    const [copy] = readdirSync(join(dir, "discarded", "a-0000000000000000"));
    const audit = JSON.parse(
      readFileSync(join(dir, "discarded", "a-0000000000000000", copy ?? ""), "utf8"),
    ) as Record<string, unknown>;
    expect(audit.storedText).toBe('{"reason": "torn');
    expect(await discarder.read("../a-0000000000000000/_event.json")).toBeUndefined();
    expect(await discarder.read("discarded/a-0000000000000000")).toBeUndefined();
  });
});
