/** A burst of ModelRegistered events against an ARM that throttles writes as ARM does. */
export interface BurstOptions {
  events: number;
  /** ARM's write bucket for the principal (200 tokens, 10/s in Azure). */
  arm: { bucket: number; perSecond: number };
  /** The function's pacing (what infra sets per instance). */
  pacing: { writesPerSecond: number; burst: number };
  /** Deliveries Event Grid has in flight at once. */
  concurrency: number;
  maxDeliveryAttempts: number;
  /** Event Grid's waits between attempts (its 10 s, 30 s, 1 min, ... possibly compressed). */
  retryScheduleMs: number[];
  budgetMs: number;
  duplicateDeliveryRate: number;
  seed: number;
}

/** What the burst came to. */
export interface BurstFigures {
  sent: number;
  jobs: number;
  duplicates: number;
  lost: number;
  deadLettered: number;
  deliveries: number;
  armRequests: number;
  throttled: number;
  requestsPerJob: number;
  drainSeconds: number;
  /** How long ARM's rate allows for this many writes: (events − bucket) / rate. */
  armSeconds: number;
  logLines: string[];
}

/** The one-line summary the bench and the reliability suite print. */
export function burstLine(f: BurstFigures): string {
  return `burst: sent=${f.sent} jobs=${f.jobs} duplicates=${f.duplicates} lost=${f.lost} deadlettered=${f.deadLettered} deliveries=${f.deliveries} arm_requests=${f.armRequests} throttled=${f.throttled} requests_per_job=${f.requestsPerJob.toFixed(3)} drain_s=${f.drainSeconds.toFixed(1)} arm_rate_s=${f.armSeconds.toFixed(1)} drain_vs_arm=${(f.drainSeconds / Math.max(1, f.armSeconds)).toFixed(2)}`;
}
