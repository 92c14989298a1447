import { compareMembers, type WindowMember } from "../../shared/coalesce/coalesceState";
import { COALESCE_MEMORY_MS } from "../../shared/constants";
import type { EventSummary } from "../../shared/core/outcome";

/** One archived event a coalescing workflow would hold, with the job it plans on its own. */
export interface HeldEvent<Ref> {
  ref: Ref;
  member: WindowMember;
  jobName: string;
  /** The coalescing key as rendered for the event, and its window's length. */
  key: string;
  windowSeconds: number;
}

/** The window member an event would be, as the function makes it when it receives the event. */
export function memberOf(event: EventSummary, receivedAt: string): WindowMember {
  return {
    eventId: event.id,
    eventType: event.type,
    ...(event.model === undefined ? {} : { model: event.model }),
    eventTime: event.time ?? "",
    receivedAt,
  };
}

/** A window the events would have made: its one job runs on `latest`; the others are superseded. */
export interface SimulatedWindow<Ref> {
  key: string;
  opensAt: string;
  closesAt: string;
  latest: HeldEvent<Ref>;
  superseded: HeldEvent<Ref>[];
}

/**
 * Draws one workflow's held events into windows as the function would have: per key, in the order
 * received, the first event opens a window of `windowSeconds` and each event received before it
 * closes joins; a redelivery of an event already taken (while a closed window remembers it,
 * COALESCE_MEMORY_MS) joins nothing.
 */
export function simulateWindows<Ref>(held: readonly HeldEvent<Ref>[]): SimulatedWindow<Ref>[] {
  const byKey = new Map<string, HeldEvent<Ref>[]>();
  for (const h of held) {
    const events = byKey.get(h.key) ?? [];
    byKey.set(h.key, events);
    events.push(h);
  }
  const windows: SimulatedWindow<Ref>[] = [];
  for (const events of byKey.values()) {
    const received = (h: HeldEvent<Ref>) => Date.parse(h.member.receivedAt);
    const ordered = events
      .map((h, i) => ({ h, i }))
      .sort((a, b) => received(a.h) - received(b.h) || a.i - b.i)
      .map(({ h }) => h);
    // Event id → until when a redelivery of it is absorbed (its window's close + the memory).
    const taken = new Map<string, number>();
    let open: { opens: number; closes: number; members: HeldEvent<Ref>[] } | undefined;
    const close = () => {
      if (open === undefined) return;
      const [first, ...rest] = open.members;
      if (first === undefined) return;
      // As admitEvent: a later member replaces the latest only when it compares greater.
      const latest = rest.reduce((l, m) => (compareMembers(m.member, l.member) > 0 ? m : l), first);
      windows.push({
        key: first.key,
        opensAt: new Date(open.opens).toISOString(),
        closesAt: new Date(open.closes).toISOString(),
        latest,
        superseded: open.members.filter((m) => m !== latest),
      });
    };
    for (const h of ordered) {
      const at = received(h);
      if (open !== undefined && at >= open.closes) {
        close();
        open = undefined;
      }
      const until = taken.get(h.member.eventId);
      if (until !== undefined && at < until) continue;
      open ??= { opens: at, closes: at + h.windowSeconds * 1000, members: [] };
      open.members.push(h);
      taken.set(h.member.eventId, open.closes + COALESCE_MEMORY_MS);
    }
    close();
  }
  return windows.sort((a, b) => a.opensAt.localeCompare(b.opensAt) || a.key.localeCompare(b.key));
}
