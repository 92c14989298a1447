import { describe, expect, it } from "vitest";

import {
  admitEvent,
  type CoalesceState,
  compareMembers,
  emptyCoalesceState,
  forgetWindow,
  markClosing,
  type WindowMember,
} from "../../shared/coalesce/coalesceState";
import { COALESCE_MEMORY_MS } from "../../shared/constants";

const T0 = Date.parse("2026-12-06T10:00:00Z");
const member = (eventId: string, more: Partial<WindowMember> = {}): WindowMember => ({
  eventId,
  eventType: "ModelRegistered",
  eventTime: "",
  receivedAt: new Date(T0).toISOString(),
  ...more,
});

function admitAll(events: [WindowMember, number][], state = emptyCoalesceState("wf", "churn")) {
  const kinds: string[] = [];
  for (const [m, at] of events) {
    const { state: next, admission } = admitEvent(
      state,
      m,
      { id: m.eventId },
      at,
      600,
      `w-${m.eventId}`,
    );
    kinds.push(admission.kind);
    state = next;
  }
  return { state, kinds };
}

describe("which event is a window's latest", () => {
  it.each([
    ["the higher model version, numerically", { model: "m:10" }, { model: "m:9" }],
    [
      "a version beyond 2^53, exactly",
      { model: "m:9007199254740993" },
      { model: "m:9007199254740992" },
    ],
    ["text versions with numbers compared as numbers", { model: "m:v10" }, { model: "m:v9" }],
    [
      "the later event time when versions are equal or absent",
      { eventTime: "2026-12-06T10:00:02Z" },
      { eventTime: "2026-12-06T10:00:01Z" },
    ],
    [
      "the later arrival when event times say nothing",
      { receivedAt: "2026-12-06T10:00:02.000Z" },
      { receivedAt: "2026-12-06T10:00:01.000Z" },
    ],
  ])("prefers %s", (_, later, earlier) => {
    expect(compareMembers(member("a", later), member("b", earlier))).toBeGreaterThan(0);
    expect(compareMembers(member("b", earlier), member("a", later))).toBeLessThan(0);
  });
});

describe("admitting events into windows", () => {
  it("opens a window, joins later events to it, keeps the highest as latest and ignores a redelivery", () => {
    const { state, kinds } = admitAll([
      [member("e6", { model: "churn:6" }), T0],
      [member("e7", { model: "churn:7" }), T0 + 1000],
      [member("e5", { model: "churn:5" }), T0 + 2000],
      [member("e7", { model: "churn:7" }), T0 + 3000],
    ]);
    expect(kinds).toEqual(["opened", "joined", "joined", "again"]);
    expect(state.windows).toHaveLength(1);
    const [window] = state.windows;
    expect(window?.latest).toEqual({ eventId: "e7", raw: { id: "e7" } });
    expect(window?.members.map((m) => m.eventId)).toEqual(["e6", "e7", "e5"]);
    expect(window?.closesAt).toBe(new Date(T0 + 600_000).toISOString());
  });

  it("an event at or after the window's end opens the next window, though the first has not closed", () => {
    const { state, kinds } = admitAll([
      [member("a"), T0],
      [member("b"), T0 + 600_000],
    ]);
    expect(kinds).toEqual(["opened", "opened"]);
    expect(state.windows.map((w) => w.id)).toEqual(["w-a", "w-b"]);
  });

  it("a window being closed takes no more events", () => {
    const opened = admitAll([[member("a"), T0]]).state;
    const closing = markClosing(opened, "w-a", T0 + 10);
    const { kinds } = admitAll([[member("b"), T0 + 20]], closing);
    expect(kinds).toEqual(["opened"]);
  });

  it("remembers a closed window's events for a day, except one whose job was refused", () => {
    const { state } = admitAll([
      [member("a", { model: "m:1" }), T0],
      [member("b", { model: "m:2" }), T0 + 1],
    ]);
    const closed: CoalesceState = forgetWindow(state, "w-a", T0 + 700_000, "b");
    expect(closed.windows).toEqual([]);
    expect(closed.closedWindows).toEqual({ "w-a": new Date(T0 + 700_000).toISOString() });
    expect(admitAll([[member("a"), T0 + 800_000]], closed).kinds).toEqual(["closed-already"]);
    // The refused one opens a window again, so a replay after a fix runs it.
    expect(admitAll([[member("b"), T0 + 800_000]], closed).kinds).toEqual(["opened"]);
    // A day later the memory is gone: the same id is a new event as far as windows go.
    const later = T0 + 700_000 + COALESCE_MEMORY_MS;
    const { state: after, kinds } = admitAll([[member("a"), later]], closed);
    expect(kinds).toEqual(["opened"]);
    expect(after.closedWindows).toEqual({});
  });
});
