import { describe, expect, it } from "vitest";

import { ArmPacer } from "../../shared/aml/armPacer";
import { ArmPacers, pacerFor } from "../../shared/aml/armPacers";
import { TransientError } from "../../shared/errors";
import { type PacerFleetOptions, simulatePacerFleet } from "../support/pacerFleet";

/** A pacer on a clock the test moves: sleeping advances it. */
function pacerOn(writesPerSecond: number, burst: number) {
  const clock = { now: 1_000_000 };
  const starts: number[] = [];
  const pacer = new ArmPacer({
    writesPerSecond,
    burst,
    now: () => clock.now,
    sleep: (ms) => {
      clock.now += ms;
      return Promise.resolve();
    },
  });
  // ARM's answers here carry no reading of the bucket: the settings alone pace the process.
  const write = async (latest = Infinity) => {
    const sentBefore = await pacer.turn("write", latest);
    starts.push(clock.now);
    pacer.answered(undefined, sentBefore);
  };
  return { clock, pacer, write, starts };
}

describe("ARM pacing without readings of the bucket: the settings' rate and burst", () => {
  it("lets a burst through, then paces writes at the rate", async () => {
    const { clock, write, starts } = pacerOn(10, 3);
    const t0 = clock.now;
    for (let i = 0; i < 6; i++) await write();
    expect(starts.map((t) => t - t0)).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it("holds every write after a 429 for its Retry-After, then resumes at the steady rate", async () => {
    const { clock, pacer, write, starts } = pacerOn(10, 5);
    const t0 = clock.now;
    await write();
    pacer.hold(2000);
    await write();
    await write();
    // Reads wait for the hold too, but take no write turn.
    await pacer.turn("read", Infinity);
    expect(starts.map((t) => t - t0)).toEqual([0, 2000, 2100]);
  });

  it("caps a hold at 60 s, and refuses at once a write whose deadline falls before it ends", async () => {
    const { clock, pacer, write, starts } = pacerOn(10, 5);
    const t0 = clock.now;
    pacer.hold(86_400_000);
    await expect(pacer.turn("write", t0 + 30_000)).rejects.toThrow(
      /next write turn is in 60 s, past the submission budget \(ARM asked to wait with Retry-After\)/,
    );
    expect(clock.now).toBe(t0);
    await write();
    expect(starts.map((t) => t - t0)).toEqual([60_000]);
  });

  it("refuses at once, taking no turn, when the turn falls after the deadline", async () => {
    const { clock, pacer, write, starts } = pacerOn(1, 1);
    const t0 = clock.now;
    await write();
    await expect(pacer.turn("write", t0 + 500)).rejects.toThrow(TransientError);
    await expect(pacer.turn("write", t0 + 500)).rejects.toThrow(
      /next write turn is in 1 s, past the submission budget/,
    );
    // The refusals cost nothing: the next write still gets the slot one interval on.
    await write();
    expect(starts.map((t) => t - t0)).toEqual([0, 1000]);
    expect(clock.now - t0).toBe(1000);
  });
});

// ARM's write bucket as AZURE-FACTS §7 gives it, on a virtual clock: 5,000 writes take 480 s of ARM.
const FLEET: PacerFleetOptions = {
  instances: 1,
  events: 5000,
  bucket: { size: 200, perSecond: 10 },
  pacing: { writesPerSecond: 10, burst: 200 },
  headers: true,
  concurrency: 100,
  latencyMs: 40,
  budgetMs: 20_000,
  retryMs: 10_000,
  seed: 20261206,
};
const floorSeconds = (o: PacerFleetOptions) => (o.events - o.bucket.size) / o.bucket.perSecond;

describe("ARM pacing from the bucket's readings, shared by a fleet that does not know its size", () => {
  it("alone, a process uses the whole bucket: 50 events at once are all submitted within 10 s", async () => {
    const figures = await simulatePacerFleet({ ...FLEET, events: 50 });
    expect(figures.jobs).toBe(50);
    expect(figures.throttled).toBe(0);
    expect(figures.p99Seconds).toBeLessThanOrEqual(10);
  });

  it.each([1, 2, 10, 40])(
    "%i instance(s) drain 5,000 events within 1.1× ARM's floor, with at most 1 % of writes answered 429",
    async (instances) => {
      const figures = await simulatePacerFleet({
        ...FLEET,
        instances,
        seed: FLEET.seed + instances,
      });
      expect(figures.jobs).toBe(5000);
      expect(figures.drainSeconds).toBeLessThanOrEqual(1.1 * floorSeconds(FLEET));
      expect(figures.throttled).toBeLessThanOrEqual(0.01 * figures.requests);
    },
  );

  it("forty instances with a thousand deliveries in flight start slow instead of spending the bucket blind", async () => {
    const figures = await simulatePacerFleet({
      ...FLEET,
      instances: 40,
      concurrency: 1000,
      latencyMs: 200,
    });
    expect(figures.jobs).toBe(5000);
    expect(figures.throttled).toBeLessThanOrEqual(0.01 * figures.requests);
    expect(figures.drainSeconds).toBeLessThanOrEqual(1.1 * floorSeconds(FLEET));
  });

  it("leaves what another user of the principal takes: writes at the rest of the refill", async () => {
    const figures = await simulatePacerFleet({
      ...FLEET,
      instances: 10,
      events: 2000,
      otherWriterPerSecond: 4,
    });
    expect(figures.jobs).toBe(2000);
    expect(figures.throttled).toBeLessThanOrEqual(0.02 * figures.requests);
    // 1,800 writes beyond the bucket at the 6/s the other writer leaves.
    expect(figures.drainSeconds).toBeLessThanOrEqual(1.15 * (1800 / 6));
  });

  it("a fixed share per instance, the pacing this replaces, drains far slower when few instances run", async () => {
    const figures = await simulatePacerFleet({
      ...FLEET,
      instances: 2,
      events: 300,
      pacing: { writesPerSecond: 0.25, burst: 5 },
      headers: false,
    });
    expect(figures.jobs).toBe(300);
    // 290 writes at 2 × 0.25/s, where ARM allows the 300 in 10 s.
    expect(figures.drainSeconds).toBeGreaterThanOrEqual(500);
  });
});

describe("one pacer per subscription", () => {
  it("holds writes after a 429 only in the subscription it came from", async () => {
    const pacers = new ArmPacers({ writesPerSecond: 10, burst: 200 });
    const a =
      "https://management.azure.com/subscriptions/AAAA/resourceGroups/rg/providers/x/jobs/1";
    const a2 =
      "https://management.azure.com/subscriptions/aaaa/resourceGroups/other/providers/x/jobs/2";
    const b =
      "https://management.azure.com/subscriptions/bbbb/resourceGroups/rg/providers/x/jobs/1";
    expect(pacers.for(a)).toBe(pacers.for(a2));
    expect(pacers.for(a)).not.toBe(pacers.for(b));
    pacerFor(pacers, a).hold(30_000);
    // The other subscription's writes go at once; this one's are refused before their deadline.
    await expect(pacerFor(pacers, b).turn("write", Date.now() + 1000)).resolves.toBe(0);
    await expect(pacerFor(pacers, a2).turn("write", Date.now() + 1000)).rejects.toThrow(
      /Retry-After/,
    );
  });
});
