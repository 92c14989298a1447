import { createHash } from "node:crypto";

import { isRecord } from "../guards";
import type { GuardedDocuments } from "../storage/guardedBlobDocuments";
import type { CoalesceState } from "./coalesceState";

/** Where the windows of one (workflow, key) are kept: `<workflow>/<sha256 of the key>.json`. */
export function coalesceStateName(workflow: string, key: string): string {
  return `${workflow}/${createHash("sha256").update(key, "utf8").digest("hex").slice(0, 40)}.json`;
}

function problem(value: unknown): string | undefined {
  if (!isRecord(value)) return "not a JSON object";
  if (value.version !== 1) return `version ${JSON.stringify(value.version)}, not 1`;
  if (typeof value.workflow !== "string" || typeof value.key !== "string")
    return "workflow or key is not a string";
  if (!isRecord(value.closedEvents) || !isRecord(value.closedWindows))
    return "closedEvents or closedWindows is not an object";
  if (!Array.isArray(value.windows)) return "windows is not a list";
  for (const [i, w] of value.windows.entries()) {
    if (
      !isRecord(w) ||
      typeof w.id !== "string" ||
      typeof w.openedAt !== "string" ||
      typeof w.closesAt !== "string" ||
      !Array.isArray(w.members) ||
      !isRecord(w.latest) ||
      typeof w.latest.eventId !== "string"
    )
      return `windows[${i}] is not { id, openedAt, closesAt, members, latest }`;
    if (!w.members.every((m) => isRecord(m) && typeof m.eventId === "string"))
      return `windows[${i}].members holds an entry without an eventId`;
  }
  return undefined;
}

/** Reads a stored state, or throws naming where it is and what is wrong. */
export function parseCoalesceState(text: string, where: string): CoalesceState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${where} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const wrong = problem(value);
  if (wrong !== undefined) throw new Error(`${where} is not a coalescing state: ${wrong}`);
  return value as CoalesceState;
}

/** The coalescing states, one document per (workflow, key). */
export type CoalesceStateStore = GuardedDocuments<CoalesceState>;
