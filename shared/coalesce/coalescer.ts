import { createHash } from "node:crypto";

import type { EventSummary, HeldWindow, WorkflowOutcome } from "../core/outcome";
import { errorMessage, TransientError } from "../errors";
import { DocumentConflict } from "../storage/guardedBlobDocuments";
import {
  admitEvent,
  type CoalesceState,
  type CoalesceWindow,
  emptyCoalesceState,
  forgetWindow,
  markClosing,
  type WindowMember,
} from "./coalesceState";
import { coalesceStateName, type CoalesceStateStore } from "./coalesceStateStore";
import type { SupersededRecord, SupersededStore } from "./supersededStore";
import type { WindowMessage, WindowQueue } from "./windowMessage";
import type { WindowOutcome } from "./windowOutcome";

/** At most this many held events go into one write. */
const GROUP_LIMIT = 500;

/** Writers racing on one state give up after this many tries (each re-reads; the event is then handed back). */
const MAX_TRIES = 25;

/** One event to hold: which workflow's window, under which key, and the event itself. */
export interface HoldRequest {
  workflow: string;
  key: string;
  windowSeconds: number;
  event: EventSummary;
  raw: unknown;
}

/** A window's job, as `run` submitted it, and its latest event as planning read it (absent when it could not). */
export interface WindowJob {
  event?: EventSummary;
  job: WorkflowOutcome;
}

/** Holds events in windows and closes windows: exactly one job per window across instances. */
export interface Coalescer {
  /** Puts the event into its key's open window, or opens one and schedules its close. */
  hold(request: HoldRequest): Promise<HeldWindow>;
  /**
   * Closes the window a message names: `run` plans and submits the workflow's job for the latest
   * event; the others are recorded as superseded. A transient failure is thrown: nothing is lost,
   * the window stays closing and the next try (the same message again) resumes it.
   */
  close(message: WindowMessage, run: (raw: unknown) => Promise<WindowJob>): Promise<WindowOutcome>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The window an event opens: the same on a redelivery, so a crash between its two writes makes no second window. */
function windowIdFor(workflow: string, key: string, eventId: string): string {
  return createHash("sha256")
    .update(`${workflow}\n${key}\n${eventId}`, "utf8")
    .digest("hex")
    .slice(0, 24);
}

function memberOf(event: EventSummary, now: number): WindowMember {
  return {
    eventId: event.id,
    eventType: event.type,
    ...(event.model === undefined ? {} : { model: event.model }),
    eventTime: event.time ?? "",
    receivedAt: new Date(now).toISOString(),
  };
}

function latestText(window: CoalesceWindow): string {
  const member = window.members.find((m) => m.eventId === window.latest.eventId);
  return member?.model ?? window.latest.eventId;
}

/** The state's windows and storage; a process groups its writes to one state. */
export function createCoalescer(deps: {
  states: CoalesceStateStore;
  queue: WindowQueue;
  superseded: SupersededStore;
  now?: () => number;
}): Coalescer {
  const { states, queue, superseded } = deps;
  const now = deps.now ?? Date.now;
  /** Reads, changes and writes one state until no other writer got there in between. */
  async function update<T>(
    name: string,
    change: (state: CoalesceState | undefined) => Promise<{ next?: CoalesceState; result: T }>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = await states.read(name);
      const { next, result } = await change(stored?.value);
      if (next === undefined) return result;
      try {
        await states.write(name, next, stored?.etag);
        return result;
      } catch (error) {
        if (!(error instanceof DocumentConflict)) throw error;
        if (attempt >= MAX_TRIES)
          throw new TransientError(
            `${states.location}/${name} was written by others ${attempt} times in a row; handed back to be tried again`,
            { cause: error },
          );
        // Spread the racers out: the state is one blob.
        await pause(Math.random() * Math.min(500, 10 * 2 ** attempt));
      }
    }
  }

  /** Admits one group of events into the state, in arrival order: one read and one write for all. */
  function admitGroup(name: string, group: HoldRequest[]): Promise<HeldWindow[]> {
    const scheduled = new Set<string>();
    return update(name, async (state) => {
      const at = now();
      let next = state ?? emptyCoalesceState(group[0]?.workflow ?? "", group[0]?.key ?? "");
      const opened: CoalesceWindow[] = [];
      const results = group.map(({ workflow, key, windowSeconds, event, raw }): HeldWindow => {
        const windowId = windowIdFor(workflow, key, event.id);
        const admitted = admitEvent(next, memberOf(event, at), raw, at, windowSeconds, windowId);
        next = admitted.state;
        const { admission } = admitted;
        if (admission.kind === "closed-already")
          return { key, id: admission.window, closesAt: admission.closedAt, how: "closed" };
        const { window } = admission;
        if (admission.kind === "opened") opened.push(window);
        return {
          key,
          id: window.id,
          closesAt: window.closesAt,
          how: admission.kind,
          latest: latestText(window),
          events: window.members.length,
        };
      });
      // The close is scheduled before the window is kept: a crash between the two leaves a
      // message that finds no window (harmless), never a window that nothing closes.
      for (const window of opened.filter((w) => !scheduled.has(w.id))) {
        const seconds = (Date.parse(window.closesAt) - at) / 1000;
        await queue.schedule(
          { version: 1, workflow: next.workflow, key: next.key, window: window.id, attempt: 0 },
          seconds,
        );
        scheduled.add(window.id);
      }
      const changed = results.some((r) => r.how === "opened" || r.how === "joined");
      return { ...(changed ? { next } : {}), result: results };
    });
  }

  // Events for one key that arrive while its state is being written wait and go in the next write
  // together: a burst on one model costs a write per group, not per event.
  const waiting = new Map<
    string,
    {
      request: HoldRequest;
      resolve: (held: HeldWindow) => void;
      reject: (error: unknown) => void;
    }[]
  >();
  async function drain(name: string): Promise<void> {
    for (;;) {
      const queued = waiting.get(name) ?? [];
      if (queued.length === 0) {
        waiting.delete(name);
        return;
      }
      const group = queued.splice(0, GROUP_LIMIT);
      try {
        const held = await admitGroup(
          name,
          group.map((g) => g.request),
        );
        group.forEach((g, i) => {
          const result = held[i];
          if (result === undefined) g.reject(new Error("no result for a held event"));
          else g.resolve(result);
        });
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
  }

  return {
    hold(request) {
      const name = coalesceStateName(request.workflow, request.key);
      return new Promise<HeldWindow>((resolve, reject) => {
        const queued = waiting.get(name);
        if (queued !== undefined) {
          queued.push({ request, resolve, reject });
          return;
        }
        waiting.set(name, [{ request, resolve, reject }]);
        void drain(name);
      });
    },

    async close(message, run) {
      const { workflow, key, window: windowId } = message;
      const name = coalesceStateName(workflow, key);
      const base = { workflow, key, window: windowId };
      type Taken = { kind: "taken"; window: CoalesceWindow } | WindowOutcome;
      const taken = await update<Taken>(name, async (state) => {
        const window = state?.windows.find((w) => w.id === windowId);
        if (window === undefined) {
          const closedAt = state?.closedWindows[windowId];
          return {
            result: {
              kind: "gone",
              ...base,
              reason:
                closedAt === undefined
                  ? "no such window: its first event was handed back before the window was kept (Event Grid redelivers it), or another event opened the key's window first"
                  : `closed already at ${closedAt}`,
            },
          };
        }
        if (window.closingSince !== undefined) return { result: { kind: "taken", window } };
        const at = now();
        const left = Date.parse(window.closesAt) - at;
        if (left > 0) {
          await queue.schedule(message, Math.ceil(left / 1000));
          return { result: { kind: "not-due", ...base, closesAt: window.closesAt } };
        }
        return {
          next: markClosing(state ?? emptyCoalesceState(workflow, key), windowId, at),
          result: { kind: "taken", window },
        };
      });
      if (taken.kind !== "taken") return taken;
      const { window } = taken;

      const { event, job } = await run(window.latest.raw);
      const jobName = job.kind === "held" ? undefined : job.jobName;
      const latest = window.members.find((m) => m.eventId === window.latest.eventId);
      const closedAt = new Date(now()).toISOString();
      const records: SupersededRecord[] = window.members
        .filter((m) => m.eventId !== window.latest.eventId)
        .map((m) => ({
          workflow,
          key,
          window: windowId,
          eventId: m.eventId,
          eventType: m.eventType,
          ...(m.model === undefined ? {} : { model: m.model }),
          eventTime: m.eventTime,
          receivedAt: m.receivedAt,
          supersededBy: {
            eventId: window.latest.eventId,
            ...(latest?.model === undefined ? {} : { model: latest.model }),
            ...(jobName === undefined || job.kind === "rejected" ? {} : { job: jobName }),
          },
          closedAt,
        }));
      try {
        await superseded.record(records);
      } catch (error) {
        throw new TransientError(
          `cannot record the events window ${windowId} superseded in ${superseded.location}: ${errorMessage(error)}`,
          { cause: error },
        );
      }
      await update(name, (state) =>
        Promise.resolve({
          next:
            state === undefined
              ? undefined
              : forgetWindow(
                  state,
                  windowId,
                  now(),
                  job.kind === "rejected" ? window.latest.eventId : undefined,
                ),
          result: undefined,
        }),
      );
      return {
        kind: "closed",
        ...base,
        openedAt: window.openedAt,
        closedAt,
        latest: event ?? {
          id: window.latest.eventId,
          type: latest?.eventType ?? "",
          source: "",
          subject: "",
          ...(latest?.model === undefined ? {} : { model: latest.model }),
        },
        job,
        superseded: records,
      };
    },
  };
}
