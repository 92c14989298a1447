import { describe, expect, it } from "vitest";

import { burstLine } from "../support/burstFigures";
import { runFleet } from "../support/fleet";

// ARM's bucket scaled down 10× in size and up 4× in rate, so a 600-event burst drains in about
// 15 s instead of 5,000 events in about 500 s (`npm run bench` runs the real one).
const SCALED = { bucket: 20, perSecond: 40 };
const BURST = {
  events: 600,
  arm: SCALED,
  // The deployment's share: the whole (scaled) bucket, as the stack sets it.
  pacing: { writesPerSecond: SCALED.perSecond, burst: SCALED.bucket },
  remainingHeaders: true,
  concurrency: 64,
  maxDeliveryAttempts: 30,
  // Event Grid's 10 s, 30 s, 1 min, 5 min, ... compressed 100×.
  retryScheduleMs: [100, 300, 600, 3000, 6000],
  budgetMs: 20_000,
  duplicateDeliveryRate: 0.01,
  seed: 20261124,
};

describe("a burst against ARM's write throttling (scaled), on a fleet of processes sharing the bucket", () => {
  it("one instance: 50 events at once are all submitted within 10 s of arrival", async () => {
    const figures = await runFleet({
      ...BURST,
      instances: 1,
      events: 50,
      arm: { bucket: 200, perSecond: 10 },
      pacing: { writesPerSecond: 10, burst: 200 },
    });
    process.stdout.write(`\n${burstLine(figures)}\n`);
    expect(figures.jobs).toBe(50);
    expect(figures.p99SubmitSeconds).toBeLessThanOrEqual(10);
  });

  it.each([1, 3])(
    "%i instance(s): drains with no duplicate, no loss, no dead letter, at about one ARM request per job",
    async (instances) => {
      const figures = await runFleet({ ...BURST, instances });
      process.stdout.write(`\n${burstLine(figures)}\n`);
      expect(figures.duplicates).toBe(0);
      expect(figures.lost).toBe(0);
      expect(figures.deadLettered).toBe(0);
      expect(figures.jobs).toBe(figures.sent);
      expect(figures.requestsPerJob).toBeLessThanOrEqual(1.2);
      expect(figures.throttled).toBeLessThanOrEqual(0.05 * figures.armRequests);
      expect(figures.drainSeconds).toBeLessThanOrEqual(1.5 * figures.armSeconds + 5);
    },
  );
});
