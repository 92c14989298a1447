import { describe, expect, it } from "vitest";

import type { WindowStatus } from "../../scripts/status/coalesceStatus";
import type { StatusReport } from "../../scripts/status/collectStatus";
import type { ModelSection } from "../../scripts/status/modelSection";
import { summaryLine, timelineLines, windowLine } from "../../scripts/status/statusText";

const report = (over: Partial<StatusReport>): StatusReport => ({
  jobs: [],
  rejections: [],
  deadLetters: [],
  superseded: [],
  windows: [],
  looked: { jobs: 0, rejections: 0, deadLetters: 0, superseded: 0, windows: 0, unreadable: 0 },
  jobsFrom: "dry-run folder d",
  ...over,
});

const superseded = (version: string, closedAt: string) => ({
  workflow: "validate",
  key: "churn",
  window: "w1",
  eventId: `evt-${version}`,
  eventType: "ModelRegistered",
  model: `churn:${version}`,
  eventTime: "",
  receivedAt: closedAt,
  supersededBy: { eventId: "evt-7", model: "churn:7", job: "validate-7" },
  closedAt,
  where: "x",
});

const window = (over: Partial<WindowStatus>): WindowStatus => ({
  workflow: "validate",
  key: "churn",
  window: "w1",
  openedAt: "2026-11-24T10:00:00.000Z",
  closesAt: "2026-11-24T10:10:00.000Z",
  members: [
    { eventId: "evt-5", eventType: "t", model: "churn:5", eventTime: "", receivedAt: "" },
    { eventId: "evt-x", eventType: "t", eventTime: "", receivedAt: "" },
  ],
  latest: "evt-5",
  where: "x",
  ...over,
});

describe("status text: what coalescing did, among the rest", () => {
  it("puts superseded events, jobs and the approval in the order they happened", () => {
    const section: ModelSection = {
      name: "churn",
      version: "7",
      tags: {},
      approval: { approved: true, value: "true", by: "a@b", at: "2026-11-24T11:00:00Z" },
      waiting: [],
    };
    const lines = timelineLines(
      report({
        jobs: [
          { job: "validate-7", status: "Completed", created: "2026-11-24T10:10:00.000Z" },
          { job: "promote-7", status: "Running", created: "2026-11-24T12:00:00.000Z" },
        ],
        superseded: [superseded("5", "2026-11-24T10:10:00.000Z")],
      }),
      section,
    );
    expect(lines.map((l) => l.split(" ")[0])).toEqual([
      "superseded",
      "Completed",
      "approval",
      "Running",
    ]);
  });

  it("says when a window closes, that it is overdue, or that it is stuck closing", () => {
    const before = Date.parse("2026-11-24T10:05:00Z");
    expect(windowLine(window({}), before)).toBe(
      'held       in window "churn" of workflow validate: churn:5, evt-x (latest churn:5), closes at 2026-11-24T10:10:00.000Z',
    );
    expect(windowLine(window({}), before + 3_600_000)).toMatch(
      /, due to close since 2026-11-24T10:10:00.000Z$/,
    );
    expect(
      windowLine(window({ closingSince: "2026-11-24T10:10:02.000Z" }), before + 3_600_000),
    ).toMatch(/\(latest churn:5\), closing since 2026-11-24T10:10:02.000Z$/);
  });

  it("counts superseded and held events in the summary, and says where they live", () => {
    const found = report({
      superseded: [superseded("5", "2026-11-24T10:10:00.000Z")],
      windows: [window({})],
    });
    expect(summaryLine(found, { rejections: "r", storage: true, waiting: 0 })).toMatch(
      /^status: jobs=0 rejections=0 deadletters=0 superseded=1 held=1 — looked at 0 job\(s\) in dry-run folder d, 0 rejection\(s\) in r, 0 dead-lettered event\(s\), 0 superseded event\(s\), 0 open coalescing window\(s\)$/,
    );
    expect(summaryLine(report({}), { rejections: "r", storage: false, waiting: 0 })).toMatch(
      /nothing matches — .* \(no dead letters, superseded events or coalescing windows: they live in Blob Storage\)$/,
    );
  });
});
