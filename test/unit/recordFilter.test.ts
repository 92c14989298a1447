import { describe, expect, it } from "vitest";

import { readRecordMessage } from "../../scripts/logs/readRecord";
import { matchesFilter, parseSince, readFilter } from "../../scripts/logs/recordFilter";
import { outcomeRecordLine, outcomeRecords } from "../../shared/core/outcomeRecords";

const NOW = Date.parse("2026-12-06T12:00:00Z");

describe("parseSince", () => {
  it.each([
    ["30m", "2026-12-06T11:30:00.000Z"],
    ["2h", "2026-12-06T10:00:00.000Z"],
    ["1d", "2026-12-05T12:00:00.000Z"],
    ["2026-12-06T09:15:00Z", "2026-12-06T09:15:00.000Z"],
    ["2026-12-06", "2026-12-06T00:00:00.000Z"],
  ])("%s is %s", (text, at) => {
    expect(new Date(parseSince(text, NOW)).toISOString()).toBe(at);
  });

  it.each([["1"], ["June"], ["2w"], ["-1h"], [""]])("%j is a usage error", (text) => {
    expect(() => parseSince(text, NOW)).toThrow(/is neither a duration/);
  });
});

describe("readFilter and matchesFilter", () => {
  it("compares an event id as the record holds it: redacted, escaped", () => {
    const id = "evt\nBearer abcdefghijklmnopqrstuvwxyz0123";
    const [record] = outcomeRecords(
      {
        kind: "ignored",
        event: { id, type: "T", source: "", subject: "" },
        reason: "",
        skipped: [],
      },
      NOW,
    );
    const logged = { time: "2026-12-06T11:59:00.000Z", ...record! };
    expect(matchesFilter(logged, readFilter({ event: id }, NOW))).toBe(true);
    expect(matchesFilter(logged, readFilter({ event: "evt" }, NOW))).toBe(false);
    expect(matchesFilter(logged, readFilter({ event: id, since: "1m" }, NOW))).toBe(true);
    expect(
      matchesFilter(logged, readFilter({ event: id, since: "2026-12-06T11:59:30Z" }, NOW)),
    ).toBe(false);
  });

  it("a model name matches its versions only, not a model whose name starts the same", () => {
    const logged = (model: string) => ({
      time: "2026-12-06T11:59:00.000Z",
      event: "e",
      eventType: "T",
      model,
      outcome: "submitted" as const,
    });
    const churn = readFilter({ model: "churn" }, NOW);
    expect(matchesFilter(logged("churn:3"), churn)).toBe(true);
    expect(matchesFilter(logged("churn-v2:1"), churn)).toBe(false);
    expect(matchesFilter(logged("churn:3"), readFilter({ model: "churn:30" }, NOW))).toBe(false);
  });
});

describe("readRecordMessage", () => {
  it("reads back the line the function logs", () => {
    const record = {
      event: "e",
      eventType: "T",
      workflow: "w",
      job: "w-1",
      model: "m:1",
      outcome: "submitted" as const,
      latencyMs: 3,
    };
    expect(readRecordMessage(outcomeRecordLine(record))).toEqual(record);
  });

  it.each([
    ["outcome of the day"],
    ['outcome {"event":"e"'],
    ['outcome {"event":"e","eventType":"T","outcome":"exploded"}'],
    ['outcome {"eventType":"T","outcome":"ignored"}'],
    ["outcome []"],
  ])("%j is not a record", (message) => {
    expect(readRecordMessage(message)).toBeUndefined();
  });

  it("escapes what a line not written by the function may hold, before it reaches a terminal", () => {
    const message = `outcome ${JSON.stringify({ event: "e\u001b[2J", eventType: "T", outcome: "ignored" })}`;
    expect(readRecordMessage(message)?.event).toBe("e\\u001b[2J");
  });
});
