/** Delivers batches the way Event Grid does: whole-batch redelivery on a non-2xx, duplicates after success, dead-letter at the end. */
export interface DriverOptions {
  /** The endpoint, or several: each delivery goes to one at random, as a load balancer would send it. */
  url: string | string[];
  maxDeliveryAttempts: number;
  /** Waits between attempts (Event Grid's 10 s, 30 s, 1 m, ... compressed). */
  retryScheduleMs: number[];
  duplicateDeliveryRate: number;
  concurrency: number;
  random: () => number;
}

/** What happened to the deliveries. */
export interface DriverResult {
  deliveries: number;
  latenciesMs: number[];
  deadLettered: unknown[];
  statuses: Record<number, number>;
  /** When each batch was first delivered (ms since the epoch). */
  firstDeliveredAt: Map<unknown[], number>;
}

async function post(url: string, batch: unknown[]): Promise<number> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0; // Event Grid treats a timeout or a broken connection as a failed delivery
  }
}

/** Runs every batch through delivery, retry and dead-lettering; resolves when all are settled. */
export async function deliverLikeEventGrid(
  batches: unknown[][],
  options: DriverOptions,
): Promise<DriverResult> {
  const result: DriverResult = {
    deliveries: 0,
    latenciesMs: [],
    deadLettered: [],
    statuses: {},
    firstDeliveredAt: new Map(),
  };
  const urls = typeof options.url === "string" ? [options.url] : options.url;
  const deliver = async (batch: unknown[]) => {
    const started = Date.now();
    if (!result.firstDeliveredAt.has(batch)) result.firstDeliveredAt.set(batch, started);
    const url = urls[Math.floor(options.random() * urls.length)] ?? "";
    const status = await post(url, batch);
    result.latenciesMs.push(Date.now() - started);
    result.deliveries += 1;
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
    return status >= 200 && status <= 204;
  };
  const queue = [...batches];
  const worker = async () => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
      let delivered = false;
      for (let attempt = 0; attempt < options.maxDeliveryAttempts && !delivered; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) =>
            setTimeout(
              resolve,
              options.retryScheduleMs[Math.min(attempt - 1, options.retryScheduleMs.length - 1)],
            ),
          );
        delivered = await deliver(batch);
      }
      if (!delivered) result.deadLettered.push(...batch);
      // At-least-once: a batch that succeeded can arrive again.
      else if (options.random() < options.duplicateDeliveryRate) await deliver(batch);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}

/** The p-th percentile (0-100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
