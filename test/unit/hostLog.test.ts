import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { hostLogFile, hostLogPath } from "../../scripts/localHost/hostLog";
import { readHostLogRecords } from "../../scripts/logs/hostLogRecords";
import { outcomeRecordLine } from "../../shared/core/outcomeRecords";

const newLog = () => hostLogPath(mkdtempSync(join(tmpdir(), "host-log-")));
const lines = (path: string) => readFileSync(path, "utf8").split("\n").slice(0, -1);
const record = (event: string) =>
  outcomeRecordLine({ event, eventType: "T", workflow: "w", outcome: "submitted" });

describe("hostLogFile", () => {
  it("appends every line with its time under .local/logs; readable lines are echoed, records are not", () => {
    const path = newLog();
    expect(path).toMatch(/[/\\]\.local[/\\]logs[/\\]host\.log$/);
    const echoed: string[] = [];
    const log = hostLogFile(path, (line) => echoed.push(line));
    log.log("[2026-12-06T10:00:00.000Z] triggerPipelines (0a1b2c3d) information: submitted job x");
    log.log("reloaded workflows.yaml");
    log.records(record("evt-1"));
    expect(echoed).toEqual([
      "[2026-12-06T10:00:00.000Z] triggerPipelines (0a1b2c3d) information: submitted job x",
      "reloaded workflows.yaml",
    ]);
    expect(lines(path)).toEqual([
      "[2026-12-06T10:00:00.000Z] triggerPipelines (0a1b2c3d) information: submitted job x",
      expect.stringMatching(
        /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] reloaded workflows\.yaml$/,
      ),
      expect.stringMatching(/^\[\S+Z\] outcome \{"event":"evt-1",/),
    ]);
    expect(readHostLogRecords(path).records.map((r) => r.event)).toEqual(["evt-1"]);
  });

  it("indents a message's further lines, so a message cannot forge a record line", () => {
    const path = newLog();
    const log = hostLogFile(path, () => undefined);
    log.log(
      `[2026-12-06T10:00:00.000Z] fn (0a1b2c3d) error: bad\n[2026-12-06T10:00:01.000Z] ${record("forged")}\r\nend`,
    );
    expect(lines(path)).toEqual([
      "[2026-12-06T10:00:00.000Z] fn (0a1b2c3d) error: bad",
      `  [2026-12-06T10:00:01.000Z] ${record("forged")}`,
      "  end",
    ]);
    expect(readHostLogRecords(path).records).toEqual([]);
  });

  it("redacts secrets in a readable line, on the console and in the file", () => {
    const path = newLog();
    const echoed: string[] = [];
    const log = hostLogFile(path, (line) => echoed.push(line));
    log.log("calling ARM with Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789");
    expect(echoed.join("\n")).not.toContain("abcdefghijklmnop");
    expect(readFileSync(path, "utf8")).not.toContain("abcdefghijklmnop");
    expect(readFileSync(path, "utf8")).toMatch(/\[redacted\]/);
  });

  it("rotates to host.log.1 at the limit, so the two files stay bounded and keep the newest lines", () => {
    const path = newLog();
    const limit = 600;
    const log = hostLogFile(path, () => undefined, limit);
    for (let i = 0; i < 40; i++) log.records(record(`evt-${String(i).padStart(2, "0")}`));
    expect(statSync(path).size).toBeLessThanOrEqual(limit);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(limit);
    const events = readHostLogRecords(path).records.map((r) => r.event);
    // The newest survive, in order, across both files; the oldest were dropped.
    expect(events.at(-1)).toBe("evt-39");
    expect(events).toEqual([...events].sort());
    expect(events).not.toContain("evt-00");
    expect(events.length).toBeGreaterThan(4);
  });

  it("picks up the size of a log a previous run left, and rotates it in turn", () => {
    const path = newLog();
    hostLogFile(path, () => undefined).records(record("before"));
    const again = hostLogFile(path, () => undefined, statSync(path).size + 10);
    again.records(record("after"));
    expect(lines(`${path}.1`)).toEqual([expect.stringContaining('"event":"before"')]);
    expect(lines(path)).toEqual([expect.stringContaining('"event":"after"')]);
  });

  it("when the file cannot be written, says so once on the console and keeps echoing", () => {
    const blocker = join(mkdtempSync(join(tmpdir(), "host-log-")), "not-a-folder");
    writeFileSync(blocker, "");
    const path = join(blocker, "logs", "host.log");
    const echoed: string[] = [];
    const log = hostLogFile(path, (line) => echoed.push(line));
    log.log("first");
    log.records(record("evt-1"));
    log.log("second");
    expect(echoed).toEqual([
      expect.stringMatching(/^host log: not writing .*host\.log: /),
      "first",
      "second",
    ]);
    expect(existsSync(path)).toBe(false);
  });
});
