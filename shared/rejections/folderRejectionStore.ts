import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import {
  DISCARDED_FOLDER,
  discardedEntryName,
  discardedText,
  isEntryName,
  readStoredRejection,
  type RejectionDiscarder,
  rejectionEntryName,
  type RejectionStore,
  serializeRejection,
} from "./rejectionStore";

/** Keeps rejections as files under a folder: for a laptop with no storage configured. */
export function createFolderRejectionStore(dir: string): RejectionStore {
  return {
    location: dir,
    async record(rejection) {
      const file = join(
        dir,
        rejectionEntryName(rejection.eventId, rejection.workflow, rejection.event),
      );
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `${serializeRejection(rejection)}\n`);
    },
    async *list() {
      let folders: string[];
      try {
        folders = await readdir(dir);
      } catch {
        return;
      }
      for (const folder of folders.sort()) {
        if (folder === DISCARDED_FOLDER) continue;
        for (const file of (await readdir(join(dir, folder))).sort()) {
          const name = `${folder}/${file}`;
          yield readStoredRejection(name, await readFile(join(dir, name), "utf8"));
        }
      }
    },
    remove: (name) => removeEntry(dir, name),
  };
}

async function removeEntry(dir: string, name: string): Promise<void> {
  await rm(join(dir, name), { force: true });
  // The event's folder goes when its last entry does (rmdir refuses a folder that is not empty).
  await rmdir(join(dir, dirname(name))).catch(() => undefined);
}

const readIfThere = (file: string) =>
  readFile(file, "utf8").catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  });

/** Discards entries of the folder store, keeping each under `discarded/`. */
export function createFolderRejectionDiscarder(dir: string): RejectionDiscarder {
  return {
    location: dir,
    async read(name) {
      if (!isEntryName(name)) return undefined;
      const text = await readIfThere(join(dir, name));
      return text === undefined ? undefined : { name, text, version: text };
    },
    async discard(entry, audit) {
      const keptAs = discardedEntryName(entry.name, audit.at);
      const copy = join(dir, keptAs);
      await mkdir(dirname(copy), { recursive: true });
      await writeFile(copy, `${discardedText(entry, audit)}\n`, { flag: "wx" });
      // A file has no ETag: compare its text just before removing it (the function rewrites a rejection in place).
      if ((await readIfThere(join(dir, entry.name))) !== entry.version) {
        await rm(copy, { force: true });
        return { kind: "changed" };
      }
      await removeEntry(dir, entry.name);
      return { kind: "discarded", keptAs };
    },
  };
}
