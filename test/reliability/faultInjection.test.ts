import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startLocalHost } from "../../scripts/localHost/webhookServer";
import { WEBHOOK_PATH } from "../../shared/constants";
import { FUNCTION_NAMES, SETTING_NAMES } from "../../shared/constants";
import { createFolderRejectionStore } from "../../shared/rejections/folderRejectionStore";
import { type ArmStandIn, type Fault, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { deliverLikeEventGrid, percentile } from "../support/eventGridDriver";
import { functionsWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { seededRandom } from "../support/random";

const SEED = Number(process.env.RELIABILITY_SEED ?? 20261124);
const EVENTS = Number(process.env.RELIABILITY_EVENTS ?? 240);
const random = seededRandom(SEED);

/** Faults on roughly a third of the ARM requests, of every kind the suite promises. */
function chooseFault(): Fault | undefined {
  const roll = random();
  if (roll < 0.06) return { status: 429, headers: { "retry-after": "0" } };
  // Most of the budget: the whole process holds, and what cannot wait goes back to Event Grid.
  // (A second, not minutes: Event Grid's own schedule is compressed here.)
  if (roll < 0.08) return { status: 429, headers: { "retry-after": "1" } };
  if (roll < 0.13) return { status: 500 };
  if (roll < 0.18) return { status: 503 };
  if (roll < 0.22) return { drop: "before-create" };
  if (roll < 0.26) return { drop: "after-create" };
  if (roll < 0.29) return { slowMs: 2500 }; // past SUBMIT_BUDGET_MS
  return undefined;
}

function makeEvents(): {
  events: Record<string, unknown>[];
  expectJob: Set<string>;
  expectRejection: Set<string>;
} {
  const events: Record<string, unknown>[] = [];
  const expectJob = new Set<string>();
  const expectRejection = new Set<string>();
  for (let i = 0; i < EVENTS; i++) {
    const id = randomUUID();
    const roll = random();
    const model = `model-${i % 17}`;
    if (roll < 0.8) {
      expectJob.add(id);
      events.push({
        id,
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        subject: `models/${model}:${i}`,
        eventTime: new Date().toISOString(),
        topic: TEST_WORKSPACE_ID,
        dataVersion: "2",
        data: { modelName: model, modelVersion: String(i), modelTags: { stage: "candidate" } },
      });
    } else if (roll < 0.9) {
      events.push({
        id,
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        subject: `models/${model}:${i}`,
        data: { ModelName: model, ModelVersion: i, ModelTags: { stage: "prod" } },
      });
    } else {
      expectRejection.add(id);
      events.push({
        id,
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        subject: "models/",
        data: {},
      });
    }
  }
  return { events, expectJob, expectRejection };
}

describe("fault injection: Event Grid delivery through the local host to a faulty ARM", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let server: Server;
  let url: string;
  const rejectedDir = mkdtempSync(join(tmpdir(), "reliability-rejected-"));
  const logLines: string[] = [];

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    const functions = functionsWith({
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.submitBudgetMs]: "1500",
      [SETTING_NAMES.rejectedDir]: rejectedDir,
    });
    const host = await startLocalHost(0, {
      functions,
      log: (line) => logLines.push(line),
    });
    server = host.server;
    url = `http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=${FUNCTION_NAMES.triggerPipelines}`;
    arm.chooseFault = chooseFault;
  });
  afterAll(async () => {
    restoreEnv();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    await Promise.all([arm.close(), identity.close()]);
  });

  it("ends every event as exactly one job, a recorded rejection or a dead letter: duplicates=0 lost=0", async () => {
    const { events, expectJob, expectRejection } = makeEvents();
    const batches: unknown[][] = [];
    for (let i = 0; i < events.length; i += 8) batches.push(events.slice(i, i + 8));
    const run = await deliverLikeEventGrid(batches, {
      url,
      maxDeliveryAttempts: 8,
      retryScheduleMs: [20, 50, 100, 200, 400, 800, 1600],
      duplicateDeliveryRate: 0.25,
      concurrency: 4,
      random,
    });

    const jobsByEvent = new Map<unknown, number>();
    for (const c of arm.creations)
      jobsByEvent.set(
        `${String(c.eventId)}|${String(c.workflow)}`,
        (jobsByEvent.get(`${String(c.eventId)}|${String(c.workflow)}`) ?? 0) + 1,
      );
    const duplicates = [...jobsByEvent.values()].reduce((sum, n) => sum + (n - 1), 0);
    const withJob = new Set(arm.creations.map((c) => c.eventId));
    const rejected = new Set<unknown>();
    for await (const entry of createFolderRejectionStore(rejectedDir).list())
      if ("rejection" in entry) rejected.add(entry.rejection.eventId);
    const deadLettered = new Set(run.deadLettered.map((e) => (e as { id: string }).id));
    const lost =
      [...expectJob].filter((id) => !withJob.has(id) && !rejected.has(id) && !deadLettered.has(id))
        .length +
      [...expectRejection].filter((id) => !rejected.has(id) && !deadLettered.has(id)).length;
    const puts = arm.requests.filter((r) => r.method === "PUT").length;

    const summary = `reliability: sent=${events.length} jobs=${arm.jobs.size} duplicates=${duplicates} lost=${lost} rejected=${rejected.size} deadlettered=${deadLettered.size} put_attempts=${puts} p50_ms=${percentile(run.latenciesMs, 50)} p99_ms=${percentile(run.latenciesMs, 99)}`;
    process.stdout.write(
      `\nseed=${SEED} deliveries=${run.deliveries} statuses=${JSON.stringify(run.statuses)}\n${summary}\n`,
    );

    expect(duplicates).toBe(0);
    expect(lost).toBe(0);
    // The faults really happened, and Event Grid really had to redeliver.
    expect(run.statuses[500]).toBeGreaterThan(0);
    expect(puts).toBeGreaterThan(expectJob.size);
    // Nothing that should not start a job did.
    for (const c of arm.creations) expect(expectJob.has(String(c.eventId))).toBe(true);
    // Every token request was answered and no token or identity header reached a log line.
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(line).not.toContain(identity.token);
      expect(line).not.toContain(identity.header);
    }
  }, 240_000);
});
