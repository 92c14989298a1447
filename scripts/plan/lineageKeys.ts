import { eventKey, modelVersionKey, upstreamKey } from "../../shared/aml/jobName";
import { WATCHED_EVENT_TYPES } from "../../shared/constants";
import { normalizeEvent } from "../../shared/events/normalizeEvent";

/**
 * Every lineage key a job this event started may carry: the event's own key, and — as planEvent
 * chooses for a chain step or a step after a tag change — its upstream job's or its model
 * version's. None for an event that does not read (it started nothing).
 */
export function lineageKeysOf(raw: unknown): string[] {
  const read = normalizeEvent(raw);
  if (!read.ok) return [];
  const event = read.value;
  const keys = [eventKey(event.source, event.id)];
  if (event.run) keys.push(upstreamKey(event.source, event.run.id));
  if (
    event.model &&
    event.type.toLowerCase() === WATCHED_EVENT_TYPES.modelTagsChanged.toLowerCase()
  )
    keys.push(modelVersionKey(event.source, event.model));
  return keys;
}

/**
 * The lineage key a job's name was made from (jobNameFor: `<workflow>-<first 24 hex of the key>`),
 * as those 24 characters; undefined for a name not made that way for this workflow.
 */
export function keyPrefixOfJob(jobName: string, workflow: string): string | undefined {
  const rest = jobName.startsWith(`${workflow}-`) ? jobName.slice(workflow.length + 1) : "";
  return /^[0-9a-f]{24}$/.test(rest) ? rest : undefined;
}

/** The part of a key a job name keeps. */
export const keyPrefix = (key: string): string => key.slice(0, 24);
