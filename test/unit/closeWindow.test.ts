import { describe, expect, it } from "vitest";

import type { JobSubmitter } from "../../shared/aml/jobSubmitter";
import type { Coalescer } from "../../shared/coalesce/coalescer";
import type { Coalescing } from "../../shared/coalesce/coalescerFor";
import { describeWindowOutcome, windowRecords } from "../../shared/coalesce/describeWindowOutcome";
import type { WindowMessage } from "../../shared/coalesce/windowMessage";
import type { WindowOutcome } from "../../shared/coalesce/windowOutcome";
import { closeWindow, retryDelaySeconds } from "../../shared/core/closeWindow";
import type { EventOutcome } from "../../shared/core/outcome";
import type { RejectionRecord, RejectionStore } from "../../shared/rejections/rejectionStore";

const MESSAGE: WindowMessage = {
  version: 1,
  workflow: "validate",
  key: "churn",
  window: "w1",
  attempt: 0,
};

function harness(close: Coalescer["close"]) {
  const scheduled: [WindowMessage, number][] = [];
  const rejected: RejectionRecord[] = [];
  const coalescing: Coalescing = {
    kind: "available",
    coalescer: { hold: () => Promise.reject(new Error("not here")), close },
    queue: {
      location: "queue",
      schedule: (message, delay) => {
        scheduled.push([message, delay]);
        return Promise.resolve();
      },
    },
  };
  const rejections = {
    location: "rejections",
    record: (r: RejectionRecord) => {
      rejected.push(r);
      return Promise.resolve();
    },
  } as unknown as RejectionStore;
  const submitter: JobSubmitter = { submit: () => Promise.resolve({ kind: "submitted" }) };
  return { coalescing, scheduled, rejected, rejections, submitter };
}

describe("closing a window from its queue message", () => {
  it("puts a failed close off with a new message, 30 s and doubling to an hour, then gives the message back to the host", async () => {
    const h = harness(() => Promise.reject(new Error("ARM answered 503")));
    const deps = {
      plan: (): EventOutcome => ({ kind: "rejected", eventId: null, reason: "x" }),
      ...h,
    };
    const outcome = await closeWindow(MESSAGE, h.coalescing, deps);
    expect(outcome).toMatchObject({
      kind: "retrying",
      attempt: 1,
      retryInSeconds: 30,
      reason: "ARM answered 503",
    });
    expect(h.scheduled).toEqual([[{ ...MESSAGE, attempt: 1 }, 30]]);
    expect([0, 1, 2, 6, 7, 20].map(retryDelaySeconds)).toEqual([30, 60, 120, 1920, 3600, 3600]);
    await expect(closeWindow({ ...MESSAGE, attempt: 39 }, h.coalescing, deps)).rejects.toThrow(
      "ARM answered 503",
    );
  });

  it("throws on a message that is not a window's, naming what it lacks (the host then retries and parks it)", async () => {
    const h = harness(() => Promise.reject(new Error("not reached")));
    const deps = {
      plan: (): EventOutcome => ({ kind: "rejected", eventId: null, reason: "x" }),
      ...h,
    };
    await expect(closeWindow("{not json", h.coalescing, deps)).rejects.toThrow(
      /not a coalescing window's message: the message is not JSON/,
    );
    await expect(closeWindow({ workflow: "w" }, h.coalescing, deps)).rejects.toThrow(
      /\{ version: 1, workflow, key, window, attempt \}/,
    );
  });

  it("refuses the job, and keeps the rejection, when the config no longer starts the workflow on the latest event", async () => {
    let job: unknown;
    const h = harness(async (_message, run) => {
      job = await run({ id: "e7" });
      return { kind: "gone", workflow: "validate", key: "churn", window: "w1", reason: "test" };
    });
    const plan = (): EventOutcome => ({
      kind: "ignored",
      event: { id: "e7", type: "T", source: "s", subject: "models/churn:7" },
      reason: "no workflow's conditions hold",
      skipped: [{ workflow: "validate", why: "tag stage is missing" }],
    });
    await closeWindow(MESSAGE, h.coalescing, { ...h, plan });
    expect(job).toMatchObject({
      job: {
        kind: "rejected",
        reason: "workflow validate no longer starts on its latest event: tag stage is missing",
      },
    });
    expect(h.rejected).toMatchObject([
      { eventId: "e7", workflow: "validate", event: { id: "e7" } },
    ]);
  });
});

describe("what a closed window says", () => {
  const closed: WindowOutcome = {
    kind: "closed",
    workflow: "validate",
    key: "churn",
    window: "w1",
    openedAt: "2026-12-06T10:00:00.000Z",
    closedAt: "2026-12-06T10:10:00.000Z",
    latest: {
      id: "e7",
      type: "Microsoft.MachineLearningServices.ModelRegistered",
      source: "s",
      subject: "models/churn:7",
      model: "churn:7",
      time: "2026-12-06T10:05:00.000Z",
    },
    job: {
      kind: "submitted",
      workflow: "validate",
      jobName: "validate-abc",
      request: { method: "PUT", url: "u", body: {} } as never,
    },
    superseded: ["5", "6"].map((v) => ({
      workflow: "validate",
      key: "churn",
      window: "w1",
      eventId: `e${v}`,
      eventType: "Microsoft.MachineLearningServices.ModelRegistered",
      model: `churn:${v}`,
      eventTime: "",
      receivedAt: "",
      supersededBy: { eventId: "e7", model: "churn:7", job: "validate-abc" },
      closedAt: "2026-12-06T10:10:00.000Z",
    })),
  };

  it("one line for the job and one per superseded event, naming what superseded it", () => {
    expect(describeWindowOutcome(closed).map((l) => l.message)).toEqual([
      'closed window "churn" of workflow validate (3 events, 2026-12-06T10:00:00.000Z to 2026-12-06T10:10:00.000Z): submitted job validate-abc on e7 (churn:7)',
      "superseded event e5 (churn:5) for workflow validate: superseded by e7 (churn:7), job validate-abc",
      "superseded event e6 (churn:6) for workflow validate: superseded by e7 (churn:7), job validate-abc",
    ]);
  });

  it("records the job on the latest event and each superseded event, for the workbook and `amlwf logs`", () => {
    const records = windowRecords(closed, Date.parse("2026-12-06T10:10:01.000Z"));
    expect(records.map((r) => [r.event, r.outcome, r.job, r.model])).toEqual([
      ["e7", "submitted", "validate-abc", "churn:7"],
      ["e5", "superseded", "validate-abc", "churn:5"],
      ["e6", "superseded", "validate-abc", "churn:6"],
    ]);
    expect(records[0]?.latencyMs).toBe(301_000);
    expect(
      windowRecords({ kind: "gone", workflow: "w", key: "k", window: "x", reason: "r" }, 0),
    ).toEqual([]);
  });
});
