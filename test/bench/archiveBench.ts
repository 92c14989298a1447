/**
 * `npx tsx test/bench/archiveBench.ts`: what the event archive costs per event — the bytes one
 * archived event adds for each sample in samples/events/, and a 5,000-event burst through the
 * local path (the runtime with the folder archive, then the blob archive in Azurite, counting its
 * requests). Prints a markdown table; docs/performance.md quotes it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { BlobServiceClient, newPipeline, StorageSharedKeyCredential } from "@azure/storage-blob";

import { azuriteConnectionString } from "../../scripts/cli/azuriteStorage";
import { toolRuntime } from "../../scripts/cli/toolConfig";
import { archiveLineText } from "../../shared/archive/archiveLine";
import { createBlobEventArchive } from "../../shared/archive/blobEventArchive";
import { SETTING_NAMES, STORAGE_CONTAINERS } from "../../shared/constants";
import { EXAMPLE_WORKFLOWS, REPO_ROOT } from "../support/samples";
import { freePorts } from "../support/startedHost";

const BURST = 5000;
const samplesDir = join(REPO_ROOT, "samples", "events");
const receivedAt = new Date().toISOString();

function bytesOf(dir: string): number {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((file) => file.endsWith(".jsonl"))
    .reduce((sum, file) => sum + statSync(file).size, 0);
}

async function main(): Promise<void> {
  console.log("| sample | event JSON bytes | archived line bytes (with receivedAt and newline) |");
  console.log("| --- | --- | --- |");
  for (const name of readdirSync(samplesDir).sort()) {
    const event = JSON.parse(readFileSync(join(samplesDir, name), "utf8")) as unknown;
    const line = `${archiveLineText({ receivedAt, event })}\n`;
    console.log(
      `| ${name} | ${Buffer.byteLength(JSON.stringify(event))} | ${Buffer.byteLength(line)} |`,
    );
  }

  // The local path: the runtime (dry run, no storage setting) archives to ARCHIVE_DIR.
  const sample = JSON.parse(
    readFileSync(join(samplesDir, "model-registered.eventgrid.json"), "utf8"),
  ) as Record<string, unknown>;
  const burst = Array.from({ length: BURST }, (_, i) => ({ ...sample, id: `burst-${i}` }));
  const archiveDir = mkdtempSync(join(tmpdir(), "archive-bench-"));
  const runtime = toolRuntime({
    [SETTING_NAMES.workflowsFile]: EXAMPLE_WORKFLOWS,
    [SETTING_NAMES.dryRunDir]: mkdtempSync(join(tmpdir(), "archive-bench-dry-run-")),
    [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "archive-bench-rejected-")),
    [SETTING_NAMES.archiveDir]: archiveDir,
  });
  let started = performance.now();
  for (const event of burst) await runtime.process(event);
  const localMs = performance.now() - started;
  const localBytes = bytesOf(archiveDir);

  // The same burst into the blob archive (Azurite), 32 at a time, counting every request.
  // Azurite's blob service alone, in memory (test/support's starter serialises a function, which
  // tsx's renaming breaks).
  const [port = 0] = await freePorts(1);
  const azurite = spawn(
    join(REPO_ROOT, "node_modules", ".bin", "azurite-blob"),
    [
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--inMemoryPersistence",
      "--silent",
      "--skipApiVersionCheck",
    ],
    { stdio: "ignore" },
  );
  const connectionString = azuriteConnectionString({ blob: port, queue: port, table: port });
  const requests = new Map<string, number>();
  const pipeline = newPipeline(
    new StorageSharedKeyCredential(
      "devstoreaccount1",
      /AccountKey=([^;]+)/.exec(connectionString)?.[1] ?? "",
    ),
  );
  // Counts every request the SDK sends, retries included, by method and `comp`.
  pipeline.factories.unshift({
    create: (next) => ({
      sendRequest(request) {
        const comp = new URL(request.url).searchParams.get("comp") ?? "";
        const key = `${request.method}${comp === "" ? "" : ` comp=${comp}`}`;
        requests.set(key, (requests.get(key) ?? 0) + 1);
        return next.sendRequest(request);
      },
    }),
  });
  const service = new BlobServiceClient(`http://127.0.0.1:${port}/devstoreaccount1`, pipeline);
  for (let i = 0; i < 100; i++) {
    if (
      await service.getProperties().then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  requests.clear();
  const archive = createBlobEventArchive(() => service, "azurite/");
  started = performance.now();
  for (let i = 0; i < BURST; i += 32)
    await Promise.all(burst.slice(i, i + 32).map((event) => archive.append({ receivedAt, event })));
  const blobMs = performance.now() - started;
  const burstRequests = [...requests];
  let blobBytes = 0;
  for await (const blob of service
    .getContainerClient(STORAGE_CONTAINERS.eventArchive)
    .listBlobsFlat())
    blobBytes += blob.properties.contentLength ?? 0;
  azurite.kill();

  console.log("");
  console.log(`| ${BURST}-event burst | bytes archived | bytes per event | time |`);
  console.log("| --- | --- | --- | --- |");
  console.log(
    `| runtime.process, folder archive (dry run) | ${localBytes} | ${(localBytes / BURST).toFixed(1)} | ${(localMs / 1000).toFixed(1)} s (whole processing) |`,
  );
  console.log(
    `| blob archive in Azurite, 32 at a time | ${blobBytes} | ${(blobBytes / BURST).toFixed(1)} | ${(blobMs / 1000).toFixed(1)} s |`,
  );
  console.log("");
  console.log(
    `requests to Blob Storage for the burst: ${burstRequests.map(([k, n]) => `${k}: ${n}`).join(", ")}`,
  );
}

void main();
