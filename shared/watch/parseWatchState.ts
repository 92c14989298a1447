import { createHash } from "node:crypto";

import { isRecord } from "../guards";
import type { WatchState } from "./watchState";

/**
 * The blob or file name of a workspace's state: ARM ids hold slashes and their case varies between
 * callers, so the name is the sha256 of the lower-cased id.
 */
export function watchStateEntryName(workspaceId: string): string {
  return `${createHash("sha256").update(workspaceId.toLowerCase(), "utf8").digest("hex")}.json`;
}

/** What is wrong with a parsed value as a version-1 state, or undefined when nothing is. */
function watchStateProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "not a JSON object";
  if (value.version !== 1)
    return value.version === undefined
      ? "no version"
      : `version ${JSON.stringify(value.version)}, not 1`;
  for (const key of ["workspace", "baselineAt", "observedAt", "targets"] as const)
    if (typeof value[key] !== "string") return `${key} is not a string`;
  if (typeof value.complete !== "boolean") return "complete is not true or false";
  const { cursor } = value;
  if (
    !isRecord(cursor) ||
    !["models", "data"].every((k) => cursor[k] === undefined || typeof cursor[k] === "string")
  )
    return "cursor is not { models?, data? }";
  for (const key of ["models", "data"] as const) {
    const byName = value[key];
    if (!isRecord(byName)) return `${key} is not an object`;
    for (const [name, entry] of Object.entries(byName))
      if (!isRecord(entry) || typeof entry.newest !== "string" || !isRecord(entry.versions))
        return `${key}.${name} is not { newest, versions }`;
  }
  const { jobs, pending } = value;
  if (!isRecord(jobs) || !isRecord(jobs.open) || typeof jobs.newest !== "string")
    return "jobs is not { open, newest }";
  if (
    pending !== null &&
    (!isRecord(pending) || typeof pending.until !== "string" || !Array.isArray(pending.events))
  )
    return "pending is neither null nor { until, events }";
  return undefined;
}

/** Parses a stored state; throws an Error naming `where` and what is wrong when it is not a version-1 state. */
export function parseWatchState(text: string, where: string): WatchState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const problem = watchStateProblem(value);
  if (problem !== undefined) throw new Error(`${where}: not a version-1 watch state: ${problem}`);
  return value as WatchState;
}
