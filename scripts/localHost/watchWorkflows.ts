import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { basename, dirname, join, sep } from "node:path";

import type { ConfigError, ConfigIssue } from "../../shared/compile/config/configError";
import { loadWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import type { WorkflowsConfig } from "../../shared/workflows/workflow";

/** A running watch of the workflows folder; `close` stops it. */
export interface WorkflowsWatch {
  close(): void;
}

// Editors write a file in several steps; wait for them to settle before reading.
const SETTLE_MS = 250;

// Recursive fs.watch is native on macOS and Windows, where it follows paths. On Linux, Node 20
// emulates it with one watch per file, which stays on the old inode once a save renames a new
// file over it (sed -i, vim, git checkout): later saves went unseen (issue 20). There we watch
// every folder instead, which sees a file replaced, deleted or written in place, every time.
// https://nodejs.org/docs/latest-v20.x/api/fs.html#caveats
const NATIVE_RECURSIVE = process.platform === "darwin" || process.platform === "win32";

/** The folder and every folder under it (symbolic links are not followed). */
function foldersUnder(root: string): string[] {
  const found = [root];
  for (const folder of found) {
    try {
      for (const entry of readdirSync(folder, { withFileTypes: true }))
        if (entry.isDirectory()) found.push(join(folder, entry.name));
    } catch {
      // Gone since it was listed: the next change syncs the watches again.
    }
  }
  return found;
}

const inodeOf = (folder: string) => {
  try {
    const stat = statSync(folder);
    return stat.isDirectory() ? stat.ino : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Watches the workflows file's folder (the config and its pipelines). On a change it validates
 * first: a valid config is handed to `onValid`, an invalid one (a file gone included) to
 * `onInvalid` and not applied.
 */
export function watchWorkflows(
  file: string,
  handlers: {
    onValid(config: WorkflowsConfig, warnings: ConfigIssue[]): void;
    onInvalid(error: ConfigError): void;
  },
): WorkflowsWatch {
  const root = dirname(file);
  const parent = dirname(root);
  const watched = new Map<string, { watcher: FSWatcher; ino: number }>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const unwatch = (folder: string) => {
    watched.get(folder)?.watcher.close();
    watched.delete(folder);
  };
  // A folder renamed or deleted takes its watch with it, even when a new one comes at its path.
  const unwatchFrom = (folder: string) => {
    for (const known of [...watched.keys()])
      if (known === folder || known.startsWith(`${folder}${sep}`)) unwatch(known);
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  };

  const onEvent = (folder: string) => (event: string, name: string | null) => {
    // The parent is watched only to see the workflows folder itself replaced or restored.
    if (folder === parent && name !== null && name !== basename(root)) return;
    if (event === "rename") {
      if (name === null) unwatchFrom(folder === parent ? root : folder);
      else if (!NATIVE_RECURSIVE || folder === parent) unwatchFrom(join(folder, name));
    }
    schedule();
  };

  /** Watches the folders that exist now and drops the ones gone; `strict` throws if the root fails. */
  const sync = (strict: boolean) => {
    const wanted = new Map<string, boolean>();
    if (parent !== root) wanted.set(parent, false);
    if (inodeOf(root) !== undefined)
      for (const folder of NATIVE_RECURSIVE ? [root] : foldersUnder(root))
        wanted.set(folder, NATIVE_RECURSIVE);
    for (const folder of [...watched.keys()]) if (!wanted.has(folder)) unwatch(folder);
    for (const [folder, recursive] of wanted) {
      const ino = inodeOf(folder);
      if (watched.get(folder)?.ino === ino) continue;
      unwatch(folder);
      if (ino === undefined) continue;
      try {
        const watcher = watch(folder, { recursive }, onEvent(folder));
        // A watch can fail later (a folder deleted on Windows): drop it and look again.
        watcher.on("error", () => {
          if (watched.get(folder)?.watcher === watcher) unwatch(folder);
          schedule();
        });
        watched.set(folder, { watcher, ino });
      } catch (error) {
        // Otherwise the next change tries again (a folder that vanished meanwhile is no problem).
        if (strict && folder === root) throw error;
      }
    }
  };

  function reload() {
    if (closed) return;
    // Watch first, then read: a change made while reading comes as a new event.
    sync(false);
    const loaded = loadWorkflows(file);
    if (loaded.ok) handlers.onValid(loaded.value, loaded.warnings);
    else handlers.onInvalid(loaded.error);
  }

  const close = () => {
    closed = true;
    clearTimeout(timer);
    for (const folder of [...watched.keys()]) unwatch(folder);
  };
  if (inodeOf(root) === undefined) throw new Error(`workflows folder not found: ${root}`);
  try {
    sync(true);
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}
