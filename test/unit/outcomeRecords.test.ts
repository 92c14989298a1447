import { describe, expect, it } from "vitest";

import type { EventOutcome, WorkflowOutcome } from "../../shared/core/outcome";
import {
  OUTCOME_RECORD_PREFIX,
  type OutcomeRecord,
  outcomeRecordLine,
  outcomeRecords,
  RECORD_FIELD_LIMIT,
} from "../../shared/core/outcomeRecords";

const TYPE = "Microsoft.MachineLearningServices.ModelRegistered";
const TIME = "2026-11-24T09:30:00.000Z";
const AT = Date.parse(TIME) + 1234;
const event = {
  id: "evt-1",
  type: TYPE,
  source:
    "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w",
  subject: "models/credit-risk:3",
  time: TIME,
  model: "credit-risk:3",
  key: "k",
};
const job = (kind: "submitted" | "duplicate", workflow: string): WorkflowOutcome => ({
  kind,
  workflow,
  jobName: `${workflow}-0123`,
  request: { method: "PUT", url: "https://arm/jobs/x", body: {} } as never,
});

describe("outcomeRecords", () => {
  it("gives one record per workflow and report of a processed event, with its job, its model (a report's own) and the time since the event", () => {
    const outcome: EventOutcome = {
      kind: "processed",
      event,
      skipped: [{ workflow: "other", why: "model does not match" }],
      workflows: [
        job("submitted", "validate"),
        job("duplicate", "audit"),
        { kind: "rejected", workflow: "gate", jobName: "gate-0123", reason: "ARM answered 404" },
        { kind: "rejected", workflow: "bind", reason: 'input "x": "secret stuff" is too long' },
      ],
      reports: [
        { kind: "tagged", workflow: "validate", workspace: "w", model: "m:1", tags: {} },
        { kind: "rejected", workflow: "audit", model: "m:1", reason: "no such model" },
      ],
    };
    expect(outcomeRecords(outcome, AT)).toEqual([
      {
        event: "evt-1",
        eventType: TYPE,
        workflow: "validate",
        job: "validate-0123",
        model: "credit-risk:3",
        outcome: "submitted",
        latencyMs: 1234,
      },
      {
        event: "evt-1",
        eventType: TYPE,
        workflow: "audit",
        job: "audit-0123",
        model: "credit-risk:3",
        outcome: "duplicate",
        latencyMs: 1234,
      },
      {
        event: "evt-1",
        eventType: TYPE,
        workflow: "gate",
        job: "gate-0123",
        model: "credit-risk:3",
        outcome: "rejected",
        latencyMs: 1234,
      },
      {
        event: "evt-1",
        eventType: TYPE,
        workflow: "bind",
        model: "credit-risk:3",
        outcome: "rejected",
        latencyMs: 1234,
      },
      {
        event: "evt-1",
        eventType: TYPE,
        workflow: "validate.report",
        model: "m:1",
        outcome: "tagged",
        latencyMs: 1234,
      },
      {
        event: "evt-1",
        eventType: TYPE,
        workflow: "audit.report",
        model: "m:1",
        outcome: "rejected",
        latencyMs: 1234,
      },
    ]);
  });

  it("gives an ignored event, or one rejected whole, a single record without a workflow", () => {
    const ignored: EventOutcome = { kind: "ignored", event, reason: "no workflow", skipped: [] };
    expect(outcomeRecords(ignored, AT)).toEqual([
      {
        event: "evt-1",
        eventType: TYPE,
        model: "credit-risk:3",
        outcome: "ignored",
        latencyMs: 1234,
      },
    ]);
    const untrusted: EventOutcome = {
      kind: "rejected",
      eventId: "evt-2",
      reason: "not from a served workspace",
      event: { ...event, id: "evt-2" },
    };
    expect(outcomeRecords(untrusted, AT)).toEqual([
      {
        event: "evt-2",
        eventType: TYPE,
        model: "credit-risk:3",
        outcome: "rejected",
        latencyMs: 1234,
      },
    ]);
    const malformed: EventOutcome = { kind: "rejected", eventId: null, reason: "no type" };
    expect(outcomeRecords(malformed, AT)).toEqual([
      { event: "", eventType: "", outcome: "rejected" },
    ]);
  });

  it("leaves the latency out when the event's time is absent or unreadable, and never makes it negative", () => {
    const at = (time?: string) =>
      outcomeRecords(
        {
          kind: "ignored",
          event: {
            id: "e",
            type: TYPE,
            source: "",
            subject: "",
            ...(time === undefined ? {} : { time }),
          },
          reason: "",
          skipped: [],
        },
        AT,
      )[0];
    expect(at()).not.toHaveProperty("latencyMs");
    // This event names no model, so its record has none.
    expect(at()).not.toHaveProperty("model");
    expect(at("yesterday-ish")).not.toHaveProperty("latencyMs");
    expect(at("2999-01-01T00:00:00Z")?.latencyMs).toBe(0);
  });

  it("passes the sender's text through redaction and escaping, and bounds its length", () => {
    const outcome: EventOutcome = {
      kind: "ignored",
      event: {
        ...event,
        id: `id Bearer abcdefghijklmnopqrstuvwxyz0123\n${"x".repeat(1000)}`,
        type: "Evil\u202eType\u0000",
        model: `m\u2066odel:1 Bearer abcdefghijklmnopqrstuvwxyz0123`,
      },
      reason: "",
      skipped: [],
    };
    const [record] = outcomeRecords(outcome, AT);
    expect(record?.event).toMatch(/^id Bearer \[redacted\]\\u000axxx/);
    expect(record?.event).not.toContain("abcdefghijklmnop");
    expect(record?.event.length).toBeLessThanOrEqual(RECORD_FIELD_LIMIT + 30);
    expect(record?.event).toMatch(/… \(\d+ more characters\)$/);
    expect(record?.eventType).toBe("Evil\\u202eType\\u0000");
    expect(record?.model).toBe("m\\u2066odel:1 Bearer [redacted]");
  });
});

describe("outcomeRecordLine", () => {
  it("is the prefix and the record as JSON, read back whole from the prefix's length on (as KQL's substring does)", () => {
    const record: OutcomeRecord = {
      event: 'evt "quoted" \\ back',
      eventType: TYPE,
      workflow: "validate",
      job: "validate-0123",
      model: "credit-risk:3",
      outcome: "submitted",
      latencyMs: 5,
    };
    const line = outcomeRecordLine(record);
    expect(line.startsWith(`${OUTCOME_RECORD_PREFIX}{`)).toBe(true);
    expect(line).not.toMatch(/[\n\r]/);
    expect(JSON.parse(line.slice(OUTCOME_RECORD_PREFIX.length))).toEqual(record);
  });
});
