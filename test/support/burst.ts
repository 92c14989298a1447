import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SETTING_NAMES } from "../../shared/constants";
import { createFolderRejectionStore } from "../../shared/rejections/folderRejectionStore";
import { startArmStandIn } from "./armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "./azureEnv";
import type { BurstFigures, BurstOptions } from "./burstFigures";
import { deliverLikeEventGrid } from "./eventGridDriver";
import { type HostUnderTest, hostWith } from "./hostWith";
import { startIdentityEndpoint } from "./identityEndpoint";
import { seededRandom } from "./random";

/** Delivers the burst through the local host (the real handler and ARM client) and counts every outcome. */
export async function runBurst(o: BurstOptions): Promise<BurstFigures> {
  const random = seededRandom(o.seed);
  const [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
  const restoreEnv = useLocalManagedIdentity(identity);
  const rejectedDir = mkdtempSync(join(tmpdir(), "burst-rejected-"));
  let host: HostUnderTest | undefined;
  try {
    arm.throttle = o.arm;
    host = await hostWith({
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.submitBudgetMs]: String(o.budgetMs),
      [SETTING_NAMES.rejectedDir]: rejectedDir,
      [SETTING_NAMES.armWritesPerSecond]: String(o.pacing.writesPerSecond),
      [SETTING_NAMES.armWriteBurst]: String(o.pacing.burst),
    });
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
    const started = Date.now();
    const run = await deliverLikeEventGrid(
      events.map((e) => [e]),
      {
        url: host.url,
        maxDeliveryAttempts: o.maxDeliveryAttempts,
        retryScheduleMs: o.retryScheduleMs,
        duplicateDeliveryRate: o.duplicateDeliveryRate,
        concurrency: o.concurrency,
        random,
      },
    );
    const drainSeconds = (Date.now() - started) / 1000;
    const perEvent = new Map<unknown, number>();
    for (const c of arm.creations) perEvent.set(c.eventId, (perEvent.get(c.eventId) ?? 0) + 1);
    const rejected = new Set<unknown>();
    for await (const entry of createFolderRejectionStore(rejectedDir).list())
      if ("rejection" in entry) rejected.add(entry.rejection.eventId);
    const deadLettered = new Set(run.deadLettered.map((e) => (e as { id: string }).id));
    const lost = events.filter(
      (e) => !perEvent.has(e.id) && !rejected.has(e.id) && !deadLettered.has(e.id),
    ).length;
    const jobs = arm.jobs.size;
    return {
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
      logLines: host.logLines,
    };
  } finally {
    restoreEnv();
    await Promise.all([host?.close(), arm.close(), identity.close()]);
  }
}
