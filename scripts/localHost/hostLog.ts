import { appendFileSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

import { redactSecrets } from "../../shared/redact";
import type { LocalHostOptions } from "./webhookServer";

/** The largest the log file grows before it is rotated to `host.log.1` (the one before is dropped). */
export const HOST_LOG_LIMIT_BYTES = 5 * 1024 * 1024;

/** The local host's log in the project: `.local/logs/host.log`. */
export function hostLogPath(projectRoot: string): string {
  return join(projectRoot, ".local", "logs", "host.log");
}

/** The log's files, oldest first: the rotated one, then the current one. */
export function hostLogFiles(path: string): string[] {
  return [`${path}.1`, path];
}

/** A line as the file holds it: `[<ISO time>] <text>`. */
export const STAMPED_LINE = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\] /;

// Continuation lines are indented, so only the host's own lines start with a timestamp: a message
// cannot forge an outcome record line.
const oneEntry = (text: string) => text.replace(/\r\n|\r|\n/g, "\n  ");

const stamped = (text: string) =>
  STAMPED_LINE.test(text) ? text : `[${new Date().toISOString()}] ${text}`;

/**
 * The local host's `log` and `records` options: every line is appended to `path` with its time
 * (the readable ones, secrets redacted, also go to `echo`), the file rotated at
 * {@link HOST_LOG_LIMIT_BYTES}, so the two files hold at most twice that.
 */
export function hostLogFile(
  path: string,
  echo: (line: string) => void,
  limitBytes = HOST_LOG_LIMIT_BYTES,
): Required<Pick<LocalHostOptions, "log" | "records">> {
  let size = 0;
  let broken = false;
  try {
    mkdirSync(dirname(path), { recursive: true });
    size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch (error) {
    broken = true;
    echo(`host log: not writing ${path}: ${String(error)}`);
  }
  const append = (text: string) => {
    if (broken) return;
    const entry = `${oneEntry(text)}\n`;
    const bytes = Buffer.byteLength(entry);
    try {
      if (size > 0 && size + bytes > limitBytes) {
        renameSync(path, `${path}.1`);
        size = 0;
      }
      appendFileSync(path, entry);
      size += bytes;
    } catch (error) {
      // The console still has every line: a full disk must not stop the host.
      broken = true;
      echo(`host log: stopped writing ${path}: ${String(error)}`);
    }
  };
  return {
    log(line) {
      const safe = redactSecrets(line);
      echo(safe);
      append(stamped(safe));
    },
    // Not redacted again: each value was on its own, and redacting across JSON escapes could break it.
    records(line) {
      append(stamped(line));
    },
  };
}
