import { describe, expect, it } from "vitest";

import { ArmPacer } from "../../shared/aml/armPacer";
import { TransientError } from "../../shared/errors";

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
  const write = async (latest = Infinity) => {
    await pacer.turn("write", latest);
    starts.push(clock.now);
  };
  return { clock, pacer, write, starts };
}

describe("ARM pacing, per process", () => {
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
