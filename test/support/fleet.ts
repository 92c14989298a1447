import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { SETTING_NAMES } from "../../shared/constants";
import { createFolderRejectionStore } from "../../shared/rejections/folderRejectionStore";
import { startArmStandIn } from "./armStandIn";
import { TEST_WORKSPACE_ID } from "./azureEnv";
import type { BurstFigures, BurstOptions } from "./burstFigures";
import { deliverLikeEventGrid, percentile } from "./eventGridDriver";
import { startIdentityEndpoint } from "./identityEndpoint";
import { seededRandom } from "./random";
import { REPO_ROOT } from "./samples";

// Credentials other than the local managed identity must not reach the instances.
const AZURE_VARIABLES = /^(AZURE_|MSI_|IDENTITY_|IMDS_)/;

interface Instance {
  url: string;
  child: ChildProcessWithoutNullStreams;
}

/** Starts one function instance in a process of its own (the local host, the real handler and ARM client). */
function startInstance(
  settings: Record<string, string>,
  env: NodeJS.ProcessEnv,
): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(__dirname, "fleetHost.ts"), JSON.stringify(settings)],
    { cwd: REPO_ROOT, env },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.once("exit", (code) => {
      reject(new Error(`a fleet instance exited ${String(code)} before it served:\n${stderr}`));
    });
  });
}

function stop(instance: Instance): Promise<void> {
  return new Promise((resolve) => {
    if (instance.child.exitCode !== null) resolve();
    else {
      instance.child.once("exit", () => {
        resolve();
      });
      instance.child.kill("SIGTERM");
    }
  });
}

/**
 * A burst of ModelRegistered events delivered like Event Grid to N function instances, each its own
 * process, all writing to one ARM stand-in whose write bucket throttles as ARM's does. Counts every outcome.
 */
export async function runFleet(o: BurstOptions): Promise<BurstFigures> {
  const random = seededRandom(o.seed);
  const [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
  arm.throttle = o.arm;
  arm.remainingHeaders = o.remainingHeaders;
  const rejectedDir = mkdtempSync(join(tmpdir(), "fleet-rejected-"));
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !AZURE_VARIABLES.test(name)),
  );
  Object.assign(env, {
    IDENTITY_ENDPOINT: identity.url,
    IDENTITY_HEADER: identity.header,
    NODE_EXTRA_CA_CERTS: process.env.TEST_TLS_CERT,
  });
  const settings = {
    [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
    [SETTING_NAMES.armEndpoint]: arm.endpoint,
    [SETTING_NAMES.submitBudgetMs]: String(o.budgetMs),
    [SETTING_NAMES.rejectedDir]: rejectedDir,
    [SETTING_NAMES.archiveDir]: mkdtempSync(join(tmpdir(), "fleet-archive-")),
    [SETTING_NAMES.armWritesPerSecond]: String(o.pacing.writesPerSecond),
    [SETTING_NAMES.armWriteBurst]: String(o.pacing.burst),
  };
  const started = await Promise.allSettled(
    Array.from({ length: o.instances }, () => startInstance(settings, env)),
  );
  const instances = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  try {
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const events = Array.from({ length: o.events }, (_, i) => ({
      id: randomUUID(),
      eventType: "Microsoft.MachineLearningServices.ModelRegistered",
      subject: `models/burst-${i % 50}:${i}`,
      eventTime: new Date().toISOString(),
      topic: TEST_WORKSPACE_ID,
      dataVersion: "2",
      data: {
        modelName: `burst-${i % 50}`,
        modelVersion: String(i),
        modelTags: { stage: "candidate" },
      },
    }));
    const batches = events.map((e) => [e]);
    const startedAt = Date.now();
    const run = await deliverLikeEventGrid(batches, {
      url: instances.map((i) => i.url),
      maxDeliveryAttempts: o.maxDeliveryAttempts,
      retryScheduleMs: o.retryScheduleMs,
      duplicateDeliveryRate: o.duplicateDeliveryRate,
      concurrency: o.concurrency,
      random,
    });
    const drainSeconds = (Date.now() - startedAt) / 1000;
    const perEvent = new Map<unknown, number>();
    const createdAt = new Map<unknown, number>();
    for (const c of arm.creations) {
      perEvent.set(c.eventId, (perEvent.get(c.eventId) ?? 0) + 1);
      if (!createdAt.has(c.eventId)) createdAt.set(c.eventId, c.at);
    }
    const rejected = new Set<unknown>();
    for await (const entry of createFolderRejectionStore(rejectedDir).list())
      if ("rejection" in entry) rejected.add(entry.rejection.eventId);
    const deadLettered = new Set(run.deadLettered.map((e) => (e as { id: string }).id));
    const lost = events.filter(
      (e) => !perEvent.has(e.id) && !rejected.has(e.id) && !deadLettered.has(e.id),
    ).length;
    const submitMs = batches.flatMap((batch, i) => {
      const created = createdAt.get(events[i]?.id);
      const first = run.firstDeliveredAt.get(batch);
      return created === undefined || first === undefined ? [] : [created - first];
    });
    const jobs = arm.jobs.size;
    return {
      instances: o.instances,
      sent: events.length,
      jobs,
      duplicates: [...perEvent.values()].reduce((sum, n) => sum + n - 1, 0),
      lost,
      deadLettered: deadLettered.size,
      deliveries: run.deliveries,
      armRequests: arm.requests.length,
      throttled: arm.throttled,
      requestsPerJob: jobs === 0 ? Infinity : arm.requests.length / jobs,
      drainSeconds,
      armSeconds: Math.max(0, o.events - o.arm.bucket) / o.arm.perSecond,
      p99SubmitSeconds: percentile(submitMs, 99) / 1000,
    };
  } finally {
    await Promise.all([...instances.map(stop), arm.close(), identity.close()]);
  }
}
