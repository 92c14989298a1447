import { open, readdir } from "node:fs/promises";
import { join, sep } from "node:path";

import { ensureError } from "../errors";
import { type AppendingFile, appendingFile } from "./appendingFile";
import { archiveFileName, archiveLineText, archiveWriterId } from "./archiveLine";
import { type ArchiveStorage, readArchiveWindow } from "./archiveWindow";
import { archiveHour, type EventArchive } from "./eventArchive";

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";

/** Reads an archive folder: `<YYYY>/<MM>/<DD>/<HH>/<writer>.jsonl` under `dir`. */
function folderStorage(dir: string): ArchiveStorage {
  return {
    where: (name) => join(dir, name),
    async folders(prefix) {
      try {
        const entries = await readdir(join(dir, prefix), { withFileTypes: true });
        return entries.filter((e) => e.isDirectory()).map((e) => e.name);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
    async files(prefix) {
      try {
        const names = await readdir(join(dir, prefix), { recursive: true });
        return names
          .filter((name) => name.endsWith(".jsonl"))
          .map((name) => `${prefix}${name.split(sep).join("/")}`);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
    async *lines(name) {
      let file;
      try {
        file = await open(join(dir, name));
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      try {
        yield* file.readLines({ encoding: "utf8" });
      } finally {
        await file.close().catch(() => undefined);
      }
    },
  };
}

/** Archives events as JSON lines in files under `dir`, one per hour and writer: for a laptop with no storage configured. */
export function createFolderEventArchive(
  dir: string,
  options: { writer?: string } = {},
): EventArchive {
  const writer = options.writer ?? archiveWriterId();
  // The hour's file stays open; a new hour's closes the others (a late event reopens its own).
  const files = new Map<string, AppendingFile>();
  const fileFor = (name: string) => {
    let file = files.get(name);
    if (file) return file;
    for (const [other, open] of files) {
      files.delete(other);
      open.close();
    }
    file = appendingFile(join(dir, name));
    files.set(name, file);
    return file;
  };
  return {
    location: dir,
    append(entry) {
      const line = `${archiveLineText(entry)}\n`;
      try {
        fileFor(archiveFileName(archiveHour(new Date(entry.receivedAt)), writer)).append(line);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(ensureError(error));
      }
    },
    read: (since, until) => readArchiveWindow(folderStorage(dir), since, until),
  };
}
