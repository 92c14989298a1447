import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import {
  readStoredRejection,
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
        for (const file of (await readdir(join(dir, folder))).sort()) {
          const name = `${folder}/${file}`;
          yield readStoredRejection(name, await readFile(join(dir, name), "utf8"));
        }
      }
    },
    async remove(name) {
      await rm(join(dir, name), { force: true });
      // The event's folder goes when its last entry does (rmdir refuses a folder that is not empty).
      await rmdir(join(dir, dirname(name))).catch(() => undefined);
    },
  };
}
