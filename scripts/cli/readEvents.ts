import { readFileSync } from "node:fs";

import { errorMessage } from "../../shared/errors";
import { UsageError } from "./runCommand";

/** The events in each file (one event or an array of them), in order; an unreadable file is a usage error. */
export function readEventFiles(files: readonly string[]): { file: string; event: unknown }[] {
  return files.flatMap((file) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new UsageError(`cannot read events from ${file}: ${errorMessage(error)}`);
    }
    const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    return events.map((event) => ({ file, event }));
  });
}
