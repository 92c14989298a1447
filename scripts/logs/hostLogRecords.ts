import { existsSync, readFileSync } from "node:fs";

import { OUTCOME_RECORD_PREFIX } from "../../shared/core/outcomeRecords";
import { hostLogFiles, STAMPED_LINE } from "../localHost/hostLog";
import { loggedRecord } from "./readRecord";
import type { LoggedRecord } from "./recordFilter";

/** What the local host's log holds: its records, oldest first, and the record lines that did not read. */
export interface HostLogRecords {
  /** The files that exist, oldest first; none means `amlwf start` has not written a log here. */
  files: string[];
  records: LoggedRecord[];
  unreadable: number;
}

/** Reads the outcome records from the host log at `path` and the file it rotated to. */
export function readHostLogRecords(path: string): HostLogRecords {
  const files = hostLogFiles(path).filter((file) => existsSync(file));
  const records: LoggedRecord[] = [];
  let unreadable = 0;
  for (const file of files)
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const stamp = STAMPED_LINE.exec(line);
      const message = stamp ? line.slice(stamp[0].length) : "";
      if (stamp === null || !message.startsWith(OUTCOME_RECORD_PREFIX)) continue;
      const record = loggedRecord(stamp[1] ?? "", message);
      if (record) records.push(record);
      else unreadable++;
    }
  return { files, records, unreadable };
}
