import { describe, expect, it } from "vitest";

import { type HeldEvent, simulateWindows } from "../../scripts/plan/coalesceWindows";

/** An event of model churn at `version`, received at minute `minute` past 10:00. */
function held(
  version: string,
  minute: number,
  key = "churn",
  id = `evt-${version}`,
): HeldEvent<string> {
  const receivedAt = new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
  return {
    ref: id,
    member: {
      eventId: id,
      eventType: "ModelRegistered",
      model: `${key}:${version}`,
      eventTime: "",
      receivedAt,
    },
    jobName: `validate-${id}`,
    key,
    windowSeconds: 600,
  };
}

const drawn = (events: HeldEvent<string>[]) =>
  simulateWindows(events).map((w) => ({
    key: w.key,
    latest: w.latest.ref,
    superseded: w.superseded.map((s) => s.ref),
  }));

describe("simulateWindows: the backtest's coalescing windows", () => {
  it("takes what is received before the window closes; the highest version is latest, whatever the order received", () => {
    expect(drawn([held("5", 0), held("7", 3), held("6", 9), held("8", 10)])).toEqual([
      { key: "churn", latest: "evt-7", superseded: ["evt-5", "evt-6"] },
      { key: "churn", latest: "evt-8", superseded: [] },
    ]);
    const [first] = simulateWindows([held("5", 0)]);
    expect(first).toMatchObject({
      opensAt: "2026-11-20T10:00:00.000Z",
      closesAt: "2026-11-20T10:10:00.000Z",
    });
  });

  it("draws each key's windows apart, and orders the archive's lines by when they were received", () => {
    expect(
      drawn([held("2", 4, "fraud"), held("6", 2), held("1", 1, "fraud"), held("5", 1)]),
    ).toEqual([
      { key: "churn", latest: "evt-6", superseded: ["evt-5"] },
      { key: "fraud", latest: "evt-2", superseded: ["evt-1"] },
    ]);
  });

  it("a redelivered event joins no window: not its own, nor a later one while the closed window remembers it", () => {
    expect(drawn([held("5", 0), held("5", 2), held("5", 15), held("6", 16)])).toEqual([
      { key: "churn", latest: "evt-5", superseded: [] },
      { key: "churn", latest: "evt-6", superseded: [] },
    ]);
  });
});
