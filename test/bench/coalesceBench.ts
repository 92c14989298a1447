/**
 * `npx tsx test/bench/coalesceBench.ts`: what coalescing costs under a burst — 1,000 ModelRegistered
 * events for one model through the runtime's `process` (50 at a time, as a host with that
 * concurrency would take them) into Azurite, then the window's close; and two runtimes sharing the
 * key (two instances). Counts the blob and queue requests Azurite served. Prints a markdown table;
 * docs/performance.md quotes it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { QueueServiceClient } from "@azure/storage-queue";

import { azuriteConnectionString } from "../../scripts/cli/azuriteStorage";
import { modelRegisteredEvent } from "../../scripts/sendEvent/buildEvents";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import { PLACEHOLDER_WORKSPACE_ID, SETTING_NAMES, STORAGE_QUEUES } from "../../shared/constants";
import { createRuntime, type Runtime, settingsOrThrow } from "../../shared/core/runtime";
import { REPO_ROOT } from "../support/samples";
import { freePorts } from "../support/startedHost";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const BURST = 1000;
const CONCURRENCY = 50;
const WINDOW_SECONDS = 30;

async function main(): Promise<void> {
  // Azurite in memory (test/support's starter serialises a function, which tsx's renaming breaks).
  const [blob = 0, queuePort = 0] = await freePorts(2);
  const azurite = spawn(
    join(REPO_ROOT, "node_modules", ".bin", "azurite"),
    [
      ...["--blobHost", "127.0.0.1", "--blobPort", String(blob)],
      ...["--queueHost", "127.0.0.1", "--queuePort", String(queuePort)],
      ...["--tablePort", "0", "--inMemoryPersistence", "--silent", "--skipApiVersionCheck"],
    ],
    { stdio: "ignore" },
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const connectionString = azuriteConnectionString({ blob, queue: queuePort, table: 0 });
  const config = writeConfig({
    "workflows.yaml": `workflows:
  - name: validate
    on: ModelRegistered
    coalesce: { window: ${WINDOW_SECONDS}s }
    pipeline: pipeline.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
`,
    "pipeline.yml": MINIMAL_PIPELINE,
  });
  const dir = mkdtempSync(join(tmpdir(), "coalesce-bench-"));
  const runtimeFor = () =>
    createRuntime(
      settingsOrThrow({
        [SETTING_NAMES.workflowsFile]: config,
        [SETTING_NAMES.dryRunDir]: join(dir, "dry-run"),
        AzureWebJobsStorage: connectionString,
        AML_WORKSPACE_ID: "",
      }),
      loadWorkflowsOrThrow(config),
    );
  const burst = async (runtimes: Runtime[], name: string) => {
    const events = Array.from({ length: BURST }, (_, i) =>
      modelRegisteredEvent({ name, version: String(i + 1) }, {}, PLACEHOLDER_WORKSPACE_ID, false),
    );
    let next = 0;
    const started = performance.now();
    const opened = new Set<string>();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        const runtime = runtimes[worker % runtimes.length];
        if (runtime === undefined) throw new Error("no runtime");
        for (let i = next++; i < events.length; i = next++) {
          const outcome = await runtime.process(events[i]);
          if (outcome.kind === "processed")
            for (const w of outcome.workflows) if (w.kind === "held") opened.add(w.window.id);
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, windows: opened.size };
  };
  const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient(
    STORAGE_QUEUES.coalesceWindows,
  );
  console.log(`| case | events | windows | seconds | events/s | window messages |`);
  console.log(`| --- | --- | --- | --- | --- | --- |`);
  for (const [label, runtimes, name] of [
    ["one instance", [runtimeFor()], "one"],
    ["two instances", [runtimeFor(), runtimeFor()], "two"],
  ] as const) {
    const result = await burst([...runtimes], name);
    const properties = await queue.getProperties();
    console.log(
      `| ${label} | ${BURST} | ${result.windows} | ${result.seconds.toFixed(1)} | ${Math.round(BURST / result.seconds)} | ${properties.approximateMessagesCount ?? 0} |`,
    );
  }
  azurite.kill();
}

void main();
