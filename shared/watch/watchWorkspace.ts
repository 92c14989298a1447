import type { Workspace } from "../aml/workspace";
import { errorMessage } from "../errors";
import { isRecord } from "../guards";
import { type Observation, observe, type WatchLimits } from "./observe";
import { type WatchState, WatchStateConflict, type WatchStateStore } from "./watchState";
import type { WatchTargets } from "./watchTargets";
import type { WorkspaceReader } from "./workspaceReader";

/** What delivering one event came to: done (whatever its outcome), or to be tried again next run. */
export type Delivery = { kind: "done" } | { kind: "retry"; reason: string };

/** What one run over one workspace did. */
export type WatchRun =
  | {
      kind: "ran";
      workspace: string;
      baseline: boolean;
      emitted: number;
      /** Of those, events a crashed or failed run had claimed and not delivered. */
      resumed: number;
      /** Events left pending for the next run (their delivery failed transiently). */
      retrying: number;
      deletedVersions: number;
      unread: number;
      reads: number;
    }
  | { kind: "skipped"; workspace: string; reason: string }
  | { kind: "failed"; workspace: string; reason: string };

const idOf = (event: unknown) => (isRecord(event) && typeof event.id === "string" ? event.id : "");

/**
 * One watcher run over one workspace. It observes, then claims the events by writing the next state
 * with them pending (guarded by the ETag it read, so of two concurrent runs one claims and the other
 * emits nothing), delivers each, and writes the state again without those delivered. A run that dies
 * after claiming leaves them pending; once `leaseMs` has passed, the next run delivers them again,
 * under the same ids, which downstream treats as one event.
 */
export async function watchWorkspace(options: {
  workspace: Workspace;
  targets: WatchTargets;
  reader: WorkspaceReader;
  store: WatchStateStore;
  limits: WatchLimits;
  deliver: (event: unknown) => Promise<Delivery>;
  /** How long a run's claim holds before another run may deliver its pending events. */
  leaseMs: number;
  now?: () => Date;
}): Promise<WatchRun> {
  const { workspace, store } = options;
  const now = options.now ?? (() => new Date());
  const startReads = options.reader.reads;
  const stored = await store.read(workspace.id);
  const previous = stored?.state;
  const pending = previous?.pending ?? null;
  if (pending !== null && Date.parse(pending.until) > now().getTime())
    return {
      kind: "skipped",
      workspace: workspace.id,
      reason: `another run claimed ${pending.events.length} event(s) until ${pending.until}`,
    };
  const observation: Observation = await observe({
    workspace,
    previous,
    targets: options.targets,
    reader: options.reader,
    limits: options.limits,
    now: now().toISOString(),
  });
  const resumed = pending?.events ?? [];
  const fresh = observation.events.filter((e) => !resumed.some((r) => idOf(r) === idOf(e)));
  const claimed = [...resumed, ...fresh];
  const until = new Date(now().getTime() + options.leaseMs).toISOString();
  const next = (events: unknown[], pendingUntil: string): WatchState => ({
    ...observation.state,
    pending: events.length === 0 ? null : { until: pendingUntil, events },
  });
  let etag: string;
  try {
    etag = await store.write(workspace.id, next(claimed, until), stored?.etag);
  } catch (error) {
    if (error instanceof WatchStateConflict)
      return {
        kind: "skipped",
        workspace: workspace.id,
        reason: "another run wrote the state first; it emits what changed",
      };
    throw error;
  }
  const retry: unknown[] = [];
  for (const event of claimed) {
    let delivery: Delivery;
    try {
      delivery = await options.deliver(event);
    } catch (error) {
      delivery = { kind: "retry", reason: errorMessage(error) };
    }
    if (delivery.kind === "retry") retry.push(event);
  }
  if (claimed.length > 0)
    try {
      // Failed deliveries are due again at once: the next run takes them.
      await store.write(workspace.id, next(retry, new Date(0).toISOString()), etag);
    } catch (error) {
      // A run that took over after the lease delivers them again, under the same ids.
      if (!(error instanceof WatchStateConflict)) throw error;
    }
  return {
    kind: "ran",
    workspace: workspace.id,
    baseline: observation.baseline,
    emitted: claimed.length - retry.length,
    resumed: resumed.length,
    retrying: retry.length,
    deletedVersions: observation.deletedVersions,
    unread: observation.unread,
    reads: options.reader.reads - startReads,
  };
}
