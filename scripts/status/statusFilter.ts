/** Which events to report on; every field given must hold. */
export interface StatusFilter {
  eventId?: string;
  model?: { name: string; version?: string };
  workflow?: string;
  /** Epoch ms: only what happened at or after this. */
  since?: number;
}

/** Whether one thing found (a job, a record, a window's member) is about the events the filter names. */
export function matchesFilter(
  filter: StatusFilter,
  found: { eventId?: string | null; model?: string; workflow?: string | null; time?: string },
): boolean {
  if (filter.eventId !== undefined && found.eventId !== filter.eventId) return false;
  if (filter.workflow !== undefined && found.workflow !== filter.workflow) return false;
  if (filter.model !== undefined) {
    const { name, version } = filter.model;
    if (found.model === undefined) return false;
    if (
      version === undefined
        ? !found.model.startsWith(`${name}:`)
        : found.model !== `${name}:${version}`
    )
      return false;
  }
  if (
    filter.since !== undefined &&
    (found.time === undefined || Date.parse(found.time) < filter.since)
  )
    return false;
  return true;
}
