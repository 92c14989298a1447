import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** One file appended to through one open descriptor. */
export interface AppendingFile {
  /** Appends the text whole, or throws. */
  append(text: string): void;
  /** Closes the descriptor; a later append opens it again. */
  close(): void;
}

/**
 * Appends to `file` (its folder made when missing) through a descriptor kept open, with a
 * synchronous write: a line goes to the page cache in microseconds, where the thread pool's round
 * trip (or an open, a write and a close per line) cost tens of them, and a burst of those ran out
 * of descriptors. A descriptor whose file was removed meanwhile (nlink 0, looked at once a second)
 * is opened again, so lines do not keep going to a file nobody can read.
 */
export function appendingFile(file: string): AppendingFile {
  let fd: number | undefined;
  let checkedAt = 0;
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  const descriptor = () => {
    if (fd !== undefined && Date.now() - checkedAt > 1000) {
      if (fstatSync(fd).nlink === 0) close();
      checkedAt = Date.now();
    }
    if (fd === undefined) {
      mkdirSync(dirname(file), { recursive: true });
      fd = openSync(file, "a");
      checkedAt = Date.now();
    }
    return fd;
  };
  return {
    append(text) {
      const bytes = Buffer.from(text);
      try {
        const at = descriptor();
        // A file opened "a" writes at its end whatever the position; a short write is resumed.
        for (let done = 0; done < bytes.length;)
          done += writeSync(at, bytes, done, bytes.length - done);
      } catch (error) {
        close();
        throw error;
      }
    },
    close,
  };
}
