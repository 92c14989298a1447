/** What the watcher knew after its last run over one workspace: the watermark it diffs against. */
export interface WatchState {
  /** The format, for upgrades. */
  version: 1;
  workspace: string;
  /** When the first run recorded the workspace without emitting anything. */
  baselineAt: string;
  /** When the last run finished observing. */
  observedAt: string;
  /** Hash of what is watched (model and data globs, whether jobs are): a change re-baselines new names. */
  targets: string;
  /** Whether the last run read every watched name; after a partial run, names new to the state are recorded silently. */
  complete: boolean;
  /** Where a run cut short by its read bound stopped: the next run starts after these names. */
  cursor: { models?: string; data?: string };
  /** Per model name: the newest createdAt seen, and each listed version's createdAt and tags. */
  models: Record<
    string,
    {
      newest: string;
      versions: Record<string, { createdAt: string; tags: Record<string, string> }>;
    }
  >;
  /** Per data asset name: the newest createdAt seen, and each listed version's createdAt. */
  data: Record<string, { newest: string; versions: Record<string, string> }>;
  /** Lineage jobs seen not yet ended (name → status), and the newest job createdAt seen. */
  jobs: { open: Record<string, string>; newest: string };
  /** Events claimed by a run and not yet confirmed delivered: re-emitted after `until` passes. */
  pending: { until: string; events: unknown[] } | null;
}

/** A state as read, with the tag that guards the next write. */
export interface StoredWatchState {
  state: WatchState;
  etag: string;
}

/** Another run wrote the state between this run's read and write. */
export class WatchStateConflict extends Error {
  override readonly name = "WatchStateConflict";
}

/** Where watch states are kept: one per workspace, writes guarded by ETag. */
export interface WatchStateStore {
  /** Where the states are, for messages (never holds a secret). */
  readonly location: string;
  /** The state of one workspace, or undefined before the first run. Throws when it cannot be read or parsed. */
  read(workspaceId: string): Promise<StoredWatchState | undefined>;
  /**
   * Writes a state only if the stored one still carries `etag` (undefined: only if none exists yet).
   * Returns the new ETag; throws WatchStateConflict when another run wrote first.
   */
  write(workspaceId: string, state: WatchState, etag: string | undefined): Promise<string>;
}
