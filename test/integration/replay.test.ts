import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { STORAGE_CONTAINERS } from "../../shared/constants";
import { createFolderRejectionStore } from "../../shared/rejections/folderRejectionStore";
import { startTestAzurite } from "../support/azurite";
import { dryRunJobFiles } from "../support/dryRun";
import { runScript } from "../support/runScript";
import { sampleEvent } from "../support/samples";
import { makeLoopbackCertificate } from "../support/tlsCertificate";

const NO_STORAGE = {
  AzureWebJobsStorage: "",
  AzureWebJobsStorage__accountName: "",
  AzureWebJobsStorage__blobServiceUri: "",
  AML_WORKSPACE_ID: "",
};

async function entries(dir: string) {
  const found = [];
  for await (const entry of createFolderRejectionStore(dir).list())
    if ("rejection" in entry) found.push(entry);
  return found;
}

describe("npm run replay --from rejected", () => {
  const rejectedDir = mkdtempSync(join(tmpdir(), "rejected-"));
  const dryRunDir = mkdtempSync(join(tmpdir(), "dry-"));
  const env = { ...NO_STORAGE, REJECTED_DIR: rejectedDir, DRY_RUN_DIR: dryRunDir };

  beforeAll(async () => {
    const store = createFolderRejectionStore(rejectedDir);
    const good = sampleEvent("model-registered.eventgrid.json");
    await store.record({
      eventId: String(good.id),
      workflow: "validate-registered-model",
      reason: "ARM answered 403: AuthorizationFailed: role not yet assigned",
      time: "2026-11-20T10:00:00.000Z",
      event: good,
    });
    const bad = sampleEvent("malformed.eventgrid.json");
    await store.record({
      eventId: "bad-0001",
      workflow: null,
      reason: "malformed event: old reason",
      time: "2026-11-21T10:00:00.000Z",
      event: bad,
    });
  });

  it("--dry-run says what would happen, its summary counts the lines it printed, and it changes nothing", async () => {
    const { status, stdout } = await runScript(
      "replay.ts",
      ["--from", "rejected", "--dry-run"],
      env,
    );
    expect(stdout).toMatch(/would submit job validate-registered-model-8d47168fa97e3e804446d32a/);
    expect(stdout).toMatch(/rejected event bad-0001: malformed event/);
    expect(stdout).toMatch(
      /bad-0001-[0-9a-f]{16}\/_event\.json .*: would fail again and be kept — /,
    );
    expect(stdout).toMatch(/validate-registered-model\.json .*: would replay and be removed/);
    const printed = (pattern: RegExp) => stdout.split("\n").filter((l) => pattern.test(l)).length;
    expect(printed(/: rejected /)).toBe(1);
    expect(stdout).toContain(
      `replay (dry run): read=2 events=2 submitted=${printed(/: would submit job /)} duplicate=0 ignored=0 rejected=${printed(/: rejected /)} failed=0 published=0 removed=1 kept=1 corrupt=0. Nothing was changed.`,
    );
    // As the replay itself would: exit 1 when an entry would be kept.
    expect(status).toBe(1);
    expect(await entries(rejectedDir)).toHaveLength(2);
    expect(dryRunJobFiles(dryRunDir)).toHaveLength(0);
  });

  it("--since skips older entries", async () => {
    const { stdout } = await runScript(
      "replay.ts",
      ["--from", "rejected", "--since", "2026-11-21T00:00:00Z", "--dry-run"],
      env,
    );
    expect(stdout).toMatch(/replay \(dry run\): read=1 /);
  });

  it("re-delivers through the function's path: what succeeds is removed, what fails stays with its new reason", async () => {
    const { status, stdout } = await runScript("replay.ts", ["--from", "rejected"], env);
    expect(stdout).toMatch(
      /replay: read=2 events=2 submitted=1 duplicate=0 ignored=0 rejected=1 failed=0 published=0 removed=1 kept=1/,
    );
    expect(status).toBe(1);
    expect(dryRunJobFiles(dryRunDir)).toEqual([
      "validate-registered-model-8d47168fa97e3e804446d32a.json",
    ]);
    const left = await entries(rejectedDir);
    expect(left).toHaveLength(1);
    expect(left[0]?.rejection.eventId).toBe("bad-0001");
    expect(left[0]?.rejection.reason).toMatch(
      /^malformed event: ModelRegistered event has no model name/,
    );
    expect(Date.parse(left[0]!.rejection.time)).toBeGreaterThan(Date.parse("2026-11-22T00:00:00Z"));
  });
});

describe("npm run replay --from rejected --to <URL>: only Event Grid gets the credential", () => {
  const tls = makeLoopbackCertificate("replay-tls-");
  const seen: { headers: Record<string, unknown> }[] = [];
  let answer = 200;
  const server = createServer(
    { key: readFileSync(tls.key), cert: readFileSync(tls.cert) },
    (req, res) => {
      seen.push({ headers: req.headers });
      req.resume();
      req.on("end", () => res.writeHead(answer).end());
    },
  );
  let url = "";
  const rejectedDir = mkdtempSync(join(tmpdir(), "rejected-"));
  const env = { ...NO_STORAGE, REJECTED_DIR: rejectedDir, NODE_EXTRA_CA_CERTS: tls.cert };
  const replayTo = (...more: string[]) =>
    runScript(
      "replay.ts",
      ["--from", "rejected", "--to", url, "--key", "sas-key-0123456789", ...more],
      env,
    );

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
    const good = sampleEvent("model-registered.eventgrid.json");
    await createFolderRejectionStore(rejectedDir).record({
      eventId: String(good.id),
      workflow: "validate-registered-model",
      reason: "ARM answered 503",
      time: "2026-11-20T10:00:00.000Z",
      event: good,
    });
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );

  it("refuses a host that is not Event Grid (exit 2): sends nothing to it and keeps the record", async () => {
    const { status, stderr } = await replayTo();
    expect(seen).toHaveLength(0);
    expect(status).toBe(2);
    expect(stderr).toMatch(
      /127\.0\.0\.1 is not an Event Grid endpoint .*--trust-host 127\.0\.0\.1/,
    );
    expect(await entries(rejectedDir)).toHaveLength(1);
  });

  it("publishes to a host named with --trust-host, and removes the record only on Event Grid's 200", async () => {
    answer = 202;
    const kept = await replayTo("--trust-host", "127.0.0.1");
    expect(seen.length).toBeGreaterThan(0);
    expect(kept.stdout).toMatch(/failed again, kept/);
    expect(await entries(rejectedDir)).toHaveLength(1);
    answer = 200;
    const published = await replayTo("--trust-host", "127.0.0.1");
    expect(seen.at(-1)?.headers["aeg-sas-key"]).toBe("sas-key-0123456789");
    expect(published.stdout).toMatch(/published=1 removed=1 kept=0/);
    expect(await entries(rejectedDir)).toHaveLength(0);
  });
});

describe("npm run replay --from rejected, with an entry that cannot be read", () => {
  it("names it, skips it, replays the rest and ends with its summary, exit 1", async () => {
    const rejectedDir = mkdtempSync(join(tmpdir(), "rejected-"));
    const dryRunDir = mkdtempSync(join(tmpdir(), "dry-"));
    mkdirSync(join(rejectedDir, "a-0000000000000000"));
    writeFileSync(join(rejectedDir, "a-0000000000000000", "_event.json"), '{"reason": "torn');
    const good = sampleEvent("model-registered.eventgrid.json");
    await createFolderRejectionStore(rejectedDir).record({
      eventId: String(good.id),
      workflow: "validate-registered-model",
      reason: "ARM answered 503",
      time: "2026-11-20T10:00:00.000Z",
      event: good,
    });
    const { status, stdout } = await runScript("replay.ts", ["--from", "rejected"], {
      ...NO_STORAGE,
      REJECTED_DIR: rejectedDir,
      DRY_RUN_DIR: dryRunDir,
    });
    expect(stdout).toMatch(
      /a-0000000000000000\/_event\.json: cannot be read, skipped and kept — .*JSON/,
    );
    expect(stdout).toMatch(/replay: read=1 events=1 submitted=1 .* removed=1 kept=0 corrupt=1/);
    expect(status).toBe(1);
    expect(dryRunJobFiles(dryRunDir)).toEqual([
      "validate-registered-model-8d47168fa97e3e804446d32a.json",
    ]);
    expect(readdirSync(rejectedDir)).toEqual(["a-0000000000000000"]);
  });
});

describe("npm run replay --from deadletter (Event Grid's dead-letter blobs, Azurite)", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  const dryRunDir = mkdtempSync(join(tmpdir(), "dry-"));
  beforeAll(async () => {
    azurite = await startTestAzurite();
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient(STORAGE_CONTAINERS.deadLetter);
    await container.createIfNotExists();
    const deadLetter = (event: Record<string, unknown>, reason: string) => ({
      ...event,
      deadLetterReason: reason,
      deliveryAttempts: 3,
      lastDeliveryOutcome: "Probation",
      lastHttpStatusCode: 500,
      publishTime: "2026-11-24T09:00:00.000Z",
      lastDeliveryAttemptTime: "2026-11-24T09:05:00.000Z",
    });
    const upload = async (name: string, body: unknown) => {
      const text = JSON.stringify(body);
      await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    };
    await upload("AMLWF-EVENTS/TRIGGER-PIPELINES/2026/11/24/09/good.json", [
      deadLetter(sampleEvent("model-registered.eventgrid.json"), "MaxDeliveryAttemptsExceeded"),
      deadLetter(
        sampleEvent("model-registered.pascal.eventgrid.json"),
        "MaxDeliveryAttemptsExceeded",
      ),
    ]);
    await upload("AMLWF-EVENTS/TRIGGER-PIPELINES/2026/11/24/09/bad.json", [
      deadLetter(sampleEvent("malformed.eventgrid.json"), "MaxDeliveryAttemptsExceeded"),
    ]);
    // Sorts first: replay must name it, skip it and still replay the others.
    await container
      .getBlockBlobClient("AMLWF-EVENTS/TRIGGER-PIPELINES/2026/11/24/09/a-torn.json")
      .upload('[{"id": ', 10);
  }, 30_000);
  afterAll(() => azurite.stop());

  it("replays each blob's events, removes the blobs that succeeded and marks the one that failed", async () => {
    const { status, stdout } = await runScript("replay.ts", ["--from", "deadletter"], {
      ...NO_STORAGE,
      AzureWebJobsStorage: azurite.connectionString,
      DRY_RUN_DIR: dryRunDir,
    });
    expect(stdout).toMatch(
      /replay: read=2 events=3 submitted=2 duplicate=0 ignored=0 rejected=1 failed=0 published=0 removed=1 kept=1 corrupt=1/,
    );
    expect(stdout).toMatch(
      /a-torn\.json: cannot be read, skipped and kept — not a dead-letter blob: .*JSON/,
    );
    expect(status).toBe(1);
    expect(dryRunJobFiles(dryRunDir)).toEqual([
      "validate-registered-model-3a5535ec2a282e27173a6656.json",
      "validate-registered-model-8d47168fa97e3e804446d32a.json",
    ]);

    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const left = [];
    for await (const blob of service
      .getContainerClient(STORAGE_CONTAINERS.deadLetter)
      .listBlobsFlat({ includeMetadata: true }))
      left.push(blob);
    expect(left.map((b) => b.name)).toEqual([
      "AMLWF-EVENTS/TRIGGER-PIPELINES/2026/11/24/09/a-torn.json",
      "AMLWF-EVENTS/TRIGGER-PIPELINES/2026/11/24/09/bad.json",
    ]);
    expect(decodeURIComponent(left[1]?.metadata?.replayfailed ?? "")).toMatch(/malformed event/);
    // The function kept its own record of the rejection too.
    expect(await service.getContainerClient(STORAGE_CONTAINERS.rejectedEvents).exists()).toBe(true);
  });
});
