import { describe, expect, it } from "vitest";

import { runBurst } from "../support/burst";
import { burstLine } from "../support/burstFigures";

// ARM's bucket scaled down 10× in size and up 4× in rate, so a 600-event burst drains in about
// 15 s instead of 5,000 events in about 500 s (`npm run bench` runs the real one).
const SCALED = { bucket: 20, perSecond: 40 };

describe("a burst against ARM's write throttling (scaled)", () => {
  it("drains with no duplicate, no loss, no dead letter, at about one ARM request per job", async () => {
    const figures = await runBurst({
      events: Number(process.env.BURST_EVENTS ?? 600),
      arm: SCALED,
      // One process: it may use the whole (scaled) bucket.
      pacing: { writesPerSecond: SCALED.perSecond, burst: SCALED.bucket },
      concurrency: 64,
      maxDeliveryAttempts: 30,
      // Event Grid's 10 s, 30 s, 1 min, 5 min, ... compressed 100×.
      retryScheduleMs: [100, 300, 600, 3000, 6000],
      budgetMs: 20_000,
      duplicateDeliveryRate: 0.01,
      seed: 20261124,
    });
    process.stdout.write(`\n${burstLine(figures)}\n`);
    expect(figures.duplicates).toBe(0);
    expect(figures.lost).toBe(0);
    expect(figures.deadLettered).toBe(0);
    expect(figures.jobs).toBe(figures.sent);
    expect(figures.requestsPerJob).toBeLessThanOrEqual(1.2);
    expect(figures.drainSeconds).toBeLessThanOrEqual(1.5 * figures.armSeconds + 5);
  }, 180_000);
});
