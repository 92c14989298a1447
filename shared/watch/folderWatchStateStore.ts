import { createHash, randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { parseWatchState, watchStateEntryName } from "./parseWatchState";
import { WatchStateConflict, type WatchStateStore } from "./watchState";

/** A lock older than this was left by a process that died holding it: a write takes milliseconds. */
const STALE_LOCK_MS = 30_000;
/** How long a write waits for the lock before giving up (past STALE_LOCK_MS, so a stale lock is taken over first). */
const LOCK_WAIT_MS = 60_000;

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;

const tagOf = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

async function readIfThere(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the lock file holding `token`, or says it exists (any other failure throws). */
async function tryLock(lockPath: string, token: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, "wx");
    try {
      await handle.writeFile(token);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errnoOf(error) === "EEXIST") return false;
    throw error;
  }
}

/**
 * Removes the lock at `lockPath` if it is stale. It is moved aside first and its token compared, so
 * of two processes that both judged one lock stale, the later does not remove the lock the earlier
 * has just taken: it puts it back.
 */
async function takeOverIfStale(lockPath: string): Promise<void> {
  let seen;
  try {
    seen = { since: (await stat(lockPath)).mtimeMs, token: await readFile(lockPath, "utf8") };
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return;
    throw error;
  }
  if (Date.now() - seen.since < STALE_LOCK_MS) return;
  const aside = `${lockPath}.${randomUUID()}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return; // Someone else took it over first.
    throw error;
  }
  if ((await readFile(aside, "utf8")) !== seen.token)
    await link(aside, lockPath).catch((error: unknown) => {
      if (errnoOf(error) !== "EEXIST") throw error;
    });
  await rm(aside, { force: true });
}

/** Runs `work` holding the exclusive lock file `lockPath`, so other processes on the machine wait. */
async function withLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const token = `${process.pid}:${randomUUID()}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!(await tryLock(lockPath, token))) {
    if (Date.now() > deadline)
      throw new Error(`${lockPath}: still locked after ${LOCK_WAIT_MS} ms`);
    await takeOverIfStale(lockPath);
    await sleep(5 + Math.random() * 20);
  }
  try {
    return await work();
  } finally {
    // Only our own lock: one held past STALE_LOCK_MS may have been taken over.
    if ((await readFile(lockPath, "utf8").catch(() => undefined)) === token)
      await rm(lockPath, { force: true });
  }
}

/**
 * Keeps watch states as files under a folder, one per workspace: for a laptop with no storage
 * configured. The ETag is the sha256 of the file's bytes; a lock file makes check-and-write atomic.
 */
export function createFolderWatchStateStore(dir: string): WatchStateStore {
  const where = (workspaceId: string, file: string) =>
    `${file} (the watch state of ${workspaceId})`;
  return {
    location: dir,
    async read(workspaceId) {
      const file = join(dir, watchStateEntryName(workspaceId));
      const bytes = await readIfThere(file);
      if (bytes === undefined) return undefined;
      return {
        state: parseWatchState(bytes.toString("utf8"), where(workspaceId, file)),
        etag: tagOf(bytes),
      };
    },
    async write(workspaceId, state, etag) {
      const file = join(dir, watchStateEntryName(workspaceId));
      const body = `${JSON.stringify(state, null, 2)}\n`;
      await mkdir(dir, { recursive: true });
      return withLock(`${file}.lock`, async () => {
        const current = await readIfThere(file);
        if (
          etag === undefined
            ? current !== undefined
            : current === undefined || tagOf(current) !== etag
        )
          throw new WatchStateConflict(`${where(workspaceId, file)} was written by another run`);
        // A reader never sees half a file: the new one replaces the old in one rename.
        const temp = `${file}.${randomUUID()}.tmp`;
        try {
          await writeFile(temp, body);
          await rename(temp, file);
        } finally {
          await rm(temp, { force: true });
        }
        return tagOf(body);
      });
    },
  };
}
