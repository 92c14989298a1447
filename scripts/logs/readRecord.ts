import {
  OUTCOME_RECORD_PREFIX,
  type OutcomeRecord,
  RECORD_OUTCOMES,
  type RecordOutcome,
} from "../../shared/core/outcomeRecords";
import { printable } from "../../shared/core/printable";
import { isRecord } from "../../shared/guards";
import type { LoggedRecord } from "./recordFilter";

const OUTCOMES: ReadonlySet<string> = new Set(RECORD_OUTCOMES);

// Printed to a terminal: whoever wrote the line (an edited file, another app's traces) is not
// trusted to have escaped it. A value the function wrote comes through unchanged.
const text = (value: unknown) => (typeof value === "string" ? printable(value) : undefined);

/** The record a log message holds (`outcome {json}`), or undefined when it is not one. */
export function readRecordMessage(message: string): OutcomeRecord | undefined {
  if (!message.startsWith(`${OUTCOME_RECORD_PREFIX}{`)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message.slice(OUTCOME_RECORD_PREFIX.length));
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const event = text(value.event);
  const eventType = text(value.eventType);
  const outcome = value.outcome;
  if (event === undefined || eventType === undefined) return undefined;
  if (typeof outcome !== "string" || !OUTCOMES.has(outcome)) return undefined;
  const workflow = text(value.workflow);
  const job = text(value.job);
  const model = text(value.model);
  const latencyMs = value.latencyMs;
  return {
    event,
    eventType,
    ...(workflow === undefined ? {} : { workflow }),
    ...(job === undefined ? {} : { job }),
    ...(model === undefined ? {} : { model }),
    outcome: outcome as RecordOutcome,
    ...(typeof latencyMs === "number" && Number.isFinite(latencyMs) ? { latencyMs } : {}),
  };
}

/** A record with its time, or undefined when the message is not a record or the time unreadable. */
export function loggedRecord(time: string, message: string): LoggedRecord | undefined {
  const record = readRecordMessage(message);
  const at = Date.parse(time);
  return record === undefined || Number.isNaN(at)
    ? undefined
    : { time: new Date(at).toISOString(), ...record };
}
