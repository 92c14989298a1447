/** A burst of ModelRegistered events against an ARM that throttles writes as ARM does. */
export interface BurstOptions {
  /** Function instances, each a process of its own, all on one ARM bucket. */
  instances: number;
  events: number;
  /** ARM's write bucket for the principal (200 tokens, 10/s in Azure). */
  arm: { bucket: number; perSecond: number };
  /** What each instance is told (ARM_WRITES_PER_SECOND, ARM_WRITE_BURST). */
  pacing: { writesPerSecond: number; burst: number };
  /** Whether ARM's write answers say what is left of the bucket (they do; false replays the fixed split). */
  remainingHeaders: boolean;
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
  instances: number;
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
  /** Seconds from an event's first delivery to its job, 99th percentile. */
  p99SubmitSeconds: number;
}

/** The one-line summary the bench and the reliability suite print. */
export function burstLine(f: BurstFigures): string {
  return `burst: instances=${f.instances} sent=${f.sent} jobs=${f.jobs} duplicates=${f.duplicates} lost=${f.lost} deadlettered=${f.deadLettered} deliveries=${f.deliveries} arm_requests=${f.armRequests} throttled=${f.throttled} requests_per_job=${f.requestsPerJob.toFixed(3)} drain_s=${f.drainSeconds.toFixed(1)} arm_rate_s=${f.armSeconds.toFixed(1)} drain_vs_arm=${(f.drainSeconds / Math.max(1, f.armSeconds)).toFixed(2)} throttled_share=${(f.throttled / Math.max(1, f.armRequests)).toFixed(3)} p99_submit_s=${f.p99SubmitSeconds.toFixed(1)}`;
}
