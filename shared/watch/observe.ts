import type { Workspace } from "../aml/workspace";
import { TransientError } from "../errors";
import {
  canonicalTags,
  dataVersionCreatedEvent,
  modelTagsChangedEvent,
  runCanceledEvent,
} from "./watchedEvents";
import type { WatchState } from "./watchState";
import type { AssetTargets, WatchTargets } from "./watchTargets";
import type { AssetVersion, WorkspaceReader } from "./workspaceReader";

/** How much one run reads. */
export interface WatchLimits {
  /** Newest versions read per model or data asset. */
  versionsPerAsset: number;
  /** ARM reads per run; names left unread wait for the next run. */
  maxReads: number;
  /** Pages of the lineage jobs list per run. */
  jobPages: number;
}

/** What one observation found: the next state (without pending events) and the events to emit. */
export interface Observation {
  state: Omit<WatchState, "pending">;
  events: unknown[];
  /** The first run over a workspace records it and emits nothing. */
  baseline: boolean;
  deletedVersions: number;
  /** Names left for the next run because the read bound was reached. */
  unread: number;
}

const EPOCH = new Date(0).toISOString();
const TERMINAL = new Set(["Completed", "Failed", "Canceled"]);
const latest = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** Names to read, in name order starting after the cursor, wrapping round. */
function rotate(names: string[], cursor: string | undefined): string[] {
  const sorted = [...new Set(names)].sort();
  if (cursor === undefined) return sorted;
  const at = sorted.findIndex((n) => n > cursor);
  return at <= 0 ? sorted : [...sorted.slice(at), ...sorted.slice(0, at)];
}

async function namesFor(targets: AssetTargets, list: () => Promise<string[]>): Promise<string[]> {
  if (targets.kind === "none") return [];
  if (targets.kind === "some" && targets.literal) return targets.globs.map((g) => g.pattern);
  const names = await list();
  return targets.kind === "all" ? names : names.filter((n) => targets.globs.some((g) => g.test(n)));
}

/**
 * Reads what the targets name and compares it with the previous state. A version is new when it is
 * not in the state and was created after the newest one seen for its asset; a name new to the state
 * is new only when the previous run read everything for the same targets (else it is recorded). A
 * version missing from the listing but newer than the oldest listed was deleted.
 */
export async function observe(options: {
  workspace: Workspace;
  previous: WatchState | undefined;
  targets: WatchTargets;
  reader: WorkspaceReader;
  limits: WatchLimits;
  now: string;
}): Promise<Observation> {
  const { workspace, previous, targets, reader, limits, now } = options;
  const startReads = reader.reads;
  const budgetLeft = () => limits.maxReads - (reader.reads - startReads);
  const announces = previous !== undefined;
  const newNamesAnnounced =
    previous !== undefined && previous.complete && previous.targets === targets.key;
  const events: unknown[] = [];
  let deletedVersions = 0;
  let unread = 0;
  const cursor: WatchState["cursor"] = {};

  // One asset kind: read each name's newest versions, diff, and keep names left unread as they were.
  const walk = async <Entry extends { newest: string }>(
    kind: "models" | "data",
    left: () => number,
    names: string[],
    previousEntries: Record<string, Entry>,
    readVersions: (name: string) => Promise<AssetVersion[]>,
    diff: (
      name: string,
      listed: AssetVersion[],
      before: Entry | undefined,
      isNew: boolean,
    ) => Entry,
  ): Promise<Record<string, Entry>> => {
    const next: Record<string, Entry> = {};
    const order = rotate(names, previous?.cursor[kind]);
    for (const [i, name] of order.entries()) {
      if (left() <= 0) {
        unread += order.length - i;
        for (const rest of order.slice(i))
          if (Object.hasOwn(previousEntries, rest)) next[rest] = previousEntries[rest] as Entry;
        cursor[kind] = order[i - 1];
        break;
      }
      const before = Object.hasOwn(previousEntries, name) ? previousEntries[name] : undefined;
      const listed = await readVersions(name);
      next[name] = diff(name, listed, before, before === undefined && newNamesAnnounced);
    }
    return next;
  };

  // The bound is shared in this order: the few job reads first, then data, then models.
  const stage = (share: number) => {
    const start = reader.reads;
    const cap = Math.ceil(Math.max(0, budgetLeft()) * share);
    return () => Math.min(cap - (reader.reads - start), budgetLeft());
  };
  const jobs = targets.jobs
    ? await observeJobs(
        workspace,
        previous,
        reader,
        limits,
        stage(1),
        now,
        events,
        newNamesAnnounced,
      )
    : { open: {}, newest: EPOCH };

  const data = await walk(
    "data",
    // Models usually outnumber data assets: data takes at most half of what is left, so neither
    // kind starves the other when the bound is reached.
    stage(targets.models.kind === "none" ? 1 : 0.5),
    await namesFor(targets.data, () => reader.dataNames(workspace)),
    previous?.data ?? {},
    (name) => reader.dataVersions(workspace, name, limits.versionsPerAsset),
    (_name, listed, before, isNew) => {
      const newest = before?.newest ?? (isNew ? EPOCH : undefined);
      const versions: Record<string, string> = {};
      for (const v of listed) {
        versions[v.version] = v.createdAt;
        const seen = before?.versions[v.version];
        if (!announces || newest === undefined) continue;
        if (
          (seen === undefined && Date.parse(v.createdAt) > Date.parse(newest)) ||
          (seen !== undefined && seen !== v.createdAt)
        )
          events.push(dataVersionCreatedEvent(workspace.id, v, now));
      }
      deletedVersions += deleted(
        Object.fromEntries(
          Object.entries(before?.versions ?? {}).map(([k, c]) => [k, { createdAt: c }]),
        ),
        listed,
        limits.versionsPerAsset,
      );
      return {
        newest: listed.reduce((n, v) => latest(n, v.createdAt), before?.newest ?? EPOCH),
        versions,
      };
    },
  );

  const models = await walk(
    "models",
    stage(1),
    await namesFor(targets.models, () => reader.modelNames(workspace)),
    previous?.models ?? {},
    (name) => reader.modelVersions(workspace, name, limits.versionsPerAsset),
    (_name, listed, before, isNew) => {
      const newest = before?.newest ?? (isNew ? EPOCH : undefined);
      const versions: WatchState["models"][string]["versions"] = {};
      for (const v of listed) {
        versions[v.version] = { createdAt: v.createdAt, tags: v.tags };
        const seen = before?.versions[v.version];
        if (!announces || newest === undefined) continue;
        if (seen === undefined) {
          const created = Date.parse(v.createdAt) > Date.parse(newest);
          if (created && Object.keys(v.tags).length > 0)
            events.push(modelTagsChangedEvent(workspace.id, v, null, now));
        } else if (seen.createdAt !== v.createdAt) {
          // Deleted and registered again under the same version: a new version.
          if (Object.keys(v.tags).length > 0)
            events.push(modelTagsChangedEvent(workspace.id, v, null, now));
        } else if (canonicalTags(seen.tags) !== canonicalTags(v.tags))
          events.push(modelTagsChangedEvent(workspace.id, v, seen.tags, now));
      }
      deletedVersions += deleted(before?.versions ?? {}, listed, limits.versionsPerAsset);
      return {
        newest: listed.reduce((n, v) => latest(n, v.createdAt), before?.newest ?? EPOCH),
        versions,
      };
    },
  );

  return {
    state: {
      version: 1,
      workspace: workspace.id,
      baselineAt: previous?.baselineAt ?? now,
      observedAt: now,
      targets: targets.key,
      complete: unread === 0,
      cursor,
      models,
      data,
      jobs,
    },
    events,
    baseline: !announces,
    deletedVersions,
    unread,
  };
}

/**
 * Versions in the state and missing from the listing: deleted when the listing was whole (fewer
 * than `top`) or they are no older than the oldest listed (else they only fell out of the window).
 */
function deleted(
  before: Record<string, { createdAt: string }>,
  listed: AssetVersion[],
  top: number,
): number {
  const listedVersions = new Set(listed.map((v) => v.version));
  const oldest = listed.reduce(
    (o, v) => Math.min(o, Date.parse(v.createdAt)),
    Number.POSITIVE_INFINITY,
  );
  return Object.entries(before).filter(
    ([version, v]) =>
      !listedVersions.has(version) && (listed.length < top || Date.parse(v.createdAt) >= oldest),
  ).length;
}

async function observeJobs(
  workspace: Workspace,
  previous: WatchState | undefined,
  reader: WorkspaceReader,
  limits: WatchLimits,
  budgetLeft: () => number,
  now: string,
  events: unknown[],
  announceNew: boolean,
): Promise<WatchState["jobs"]> {
  const before = previous?.jobs ?? { open: {}, newest: EPOCH };
  const open: Record<string, string> = {};
  let newest = before.newest;
  if (budgetLeft() <= 0) return before;
  const listed = await reader.lineageJobs(workspace, limits.jobPages);
  const seen = new Set<string>();
  const consider = (
    job: { name: string; status: string; createdAt?: string },
    full: () => unknown,
  ) => {
    seen.add(job.name);
    if (job.createdAt !== undefined) newest = latest(newest, job.createdAt);
    if (!TERMINAL.has(job.status)) {
      open[job.name] = job.status;
      return;
    }
    const wasOpen = Object.hasOwn(before.open, job.name);
    const createdSince =
      announceNew &&
      job.createdAt !== undefined &&
      Date.parse(job.createdAt) > Date.parse(before.newest);
    if (previous !== undefined && job.status === "Canceled" && (wasOpen || createdSince))
      events.push(full());
  };
  for (const job of listed) consider(job, () => runCanceledEvent(workspace.id, job, now));
  // Jobs seen running that the listing's pages no longer reach: asked one by one.
  for (const name of Object.keys(before.open)) {
    if (seen.has(name)) continue;
    if (budgetLeft() <= 0) {
      open[name] = before.open[name] ?? "";
      continue;
    }
    let job;
    try {
      job = await reader.job(workspace, name);
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      open[name] = before.open[name] ?? "";
      continue;
    }
    if (job !== undefined) {
      const found = job;
      consider(found, () => runCanceledEvent(workspace.id, found, now));
    }
  }
  return { open, newest };
}
