import { COALESCE_MEMORY_MS } from "../constants";

/** One event a window took, as far as choosing the latest and recording the rest needs. */
export interface WindowMember {
  eventId: string;
  eventType: string;
  /** `name:version`, when the event names a model. */
  model?: string;
  /** The event's own time as sent (empty when it carried none). */
  eventTime: string;
  /** When this function received it (ISO 8601): the window opens at its first member's. */
  receivedAt: string;
}

/** An open window: its members, and the raw event of the latest one (what its job is planned from). */
export interface CoalesceWindow {
  id: string;
  openedAt: string;
  closesAt: string;
  members: WindowMember[];
  latest: { eventId: string; raw: unknown };
  /** Set once a closer took the window: it takes no more events, and its job is being submitted. */
  closingSince?: string;
}

/** Everything kept for one (workflow, key): the windows not yet closed, and what closed ones took. */
export interface CoalesceState {
  version: 1;
  workflow: string;
  key: string;
  windows: CoalesceWindow[];
  /** Events of windows closed within COALESCE_MEMORY_MS, by id: a redelivery is not a new window. */
  closedEvents: Record<string, { at: string; window: string }>;
  /** Ids of windows closed within COALESCE_MEMORY_MS (id → when closed): a late second message finds it done. */
  closedWindows: Record<string, string>;
}

/** A fresh state for (workflow, key). */
export function emptyCoalesceState(workflow: string, key: string): CoalesceState {
  return { version: 1, workflow, key, windows: [], closedEvents: {}, closedWindows: {} };
}

function numericVersion(model: string | undefined): string | undefined {
  if (model === undefined) return undefined;
  return model.slice(model.lastIndexOf(":") + 1);
}

/**
 * Orders two members, later last: by model version when both name one (numerically when both are
 * whole numbers, else as text with embedded numbers compared as numbers), then by event time, then
 * by when they were received.
 */
export function compareMembers(a: WindowMember, b: WindowMember): number {
  const va = numericVersion(a.model);
  const vb = numericVersion(b.model);
  if (va !== undefined && vb !== undefined && va !== vb) {
    if (/^\d+$/.test(va) && /^\d+$/.test(vb)) return BigInt(va) < BigInt(vb) ? -1 : 1;
    return va.localeCompare(vb, "en", { numeric: true });
  }
  const ta = Date.parse(a.eventTime);
  const tb = Date.parse(b.eventTime);
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
  return a.receivedAt.localeCompare(b.receivedAt);
}

/** What admitting one event did to the state. */
export type Admission =
  | { kind: "opened" | "joined"; window: CoalesceWindow }
  | { kind: "again"; window: CoalesceWindow }
  | { kind: "closed-already"; closedAt: string; window: string };

/** Drops what the memory no longer needs to hold at `now`. */
function forget<T extends string | { at: string }>(
  record: Record<string, T>,
  now: number,
): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).filter(
      ([, value]) =>
        now - Date.parse(typeof value === "string" ? value : value.at) < COALESCE_MEMORY_MS,
    ),
  );
}

/**
 * Puts one event into the state at `now`: into the open window that takes events, or a new one
 * (`windowId`, closing `windowSeconds` later) when none does. A redelivery changes nothing.
 * Pure: returns the next state.
 */
export function admitEvent(
  state: CoalesceState,
  member: WindowMember,
  raw: unknown,
  now: number,
  windowSeconds: number,
  windowId: string,
): { state: CoalesceState; admission: Admission } {
  const closed = Object.hasOwn(state.closedEvents, member.eventId)
    ? state.closedEvents[member.eventId]
    : undefined;
  if (closed !== undefined && now - Date.parse(closed.at) < COALESCE_MEMORY_MS)
    return {
      state,
      admission: { kind: "closed-already", closedAt: closed.at, window: closed.window },
    };
  const holding = state.windows.find((w) => w.members.some((m) => m.eventId === member.eventId));
  if (holding !== undefined) return { state, admission: { kind: "again", window: holding } };
  const open = state.windows.find(
    (w) => w.closingSince === undefined && now < Date.parse(w.closesAt),
  );
  if (open !== undefined) {
    const current = open.members.find((m) => m.eventId === open.latest.eventId);
    const later = current === undefined || compareMembers(member, current) > 0;
    const window: CoalesceWindow = {
      ...open,
      members: [...open.members, member],
      latest: later ? { eventId: member.eventId, raw } : open.latest,
    };
    return {
      state: { ...state, windows: state.windows.map((w) => (w.id === open.id ? window : w)) },
      admission: { kind: "joined", window },
    };
  }
  const window: CoalesceWindow = {
    id: windowId,
    openedAt: new Date(now).toISOString(),
    closesAt: new Date(now + windowSeconds * 1000).toISOString(),
    members: [member],
    latest: { eventId: member.eventId, raw },
  };
  return {
    state: {
      ...state,
      windows: [...state.windows, window],
      closedEvents: forget(state.closedEvents, now),
      closedWindows: forget(state.closedWindows, now),
    },
    admission: { kind: "opened", window },
  };
}

/** Marks a window as being closed at `now`, so no event joins it after. */
export function markClosing(state: CoalesceState, windowId: string, now: number): CoalesceState {
  return {
    ...state,
    windows: state.windows.map((w) =>
      w.id === windowId && w.closingSince === undefined
        ? { ...w, closingSince: new Date(now).toISOString() }
        : w,
    ),
  };
}

/**
 * Removes a closed window, remembering its events and its id for COALESCE_MEMORY_MS; `unless` (an
 * event whose job was refused) is not remembered, so replaying it after a fix opens a window again.
 */
export function forgetWindow(
  state: CoalesceState,
  windowId: string,
  now: number,
  unless?: string,
): CoalesceState {
  const window = state.windows.find((w) => w.id === windowId);
  if (window === undefined) return state;
  const at = new Date(now).toISOString();
  return {
    ...state,
    windows: state.windows.filter((w) => w.id !== windowId),
    closedEvents: {
      ...forget(state.closedEvents, now),
      ...Object.fromEntries(
        window.members
          .filter((m) => m.eventId !== unless)
          .map((m) => [m.eventId, { at, window: windowId }]),
      ),
    },
    closedWindows: { ...forget(state.closedWindows, now), [windowId]: at },
  };
}
