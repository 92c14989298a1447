import type { OutcomeLine } from "../core/describeOutcome";
import { printable } from "../core/printable";
import type { WatchRun } from "./watchWorkspace";

const workspaceName = (id: string) => id.slice(id.lastIndexOf("/") + 1);

/** The log line for one watcher run over one workspace. */
export function describeWatchRun(run: WatchRun): OutcomeLine {
  const where = `watch ${workspaceName(run.workspace)}`;
  if (run.kind === "failed")
    return { level: "error", message: printable(`${where}: failed: ${run.reason}`) };
  if (run.kind === "skipped")
    return { level: "info", message: printable(`${where}: skipped: ${run.reason}`) };
  if (run.baseline)
    return {
      level: "info",
      message: `${where}: first run, recorded what is there (${run.reads} reads); changes from now on become events`,
    };
  const parts = [
    `${run.emitted} event(s) emitted${run.resumed > 0 ? ` (${run.resumed} resumed from an earlier run)` : ""}`,
    ...(run.retrying > 0 ? [`${run.retrying} to retry next run`] : []),
    ...(run.deletedVersions > 0 ? [`${run.deletedVersions} version(s) deleted`] : []),
    ...(run.unread > 0 ? [`${run.unread} name(s) left for the next run (WATCH_MAX_READS)`] : []),
    `${run.reads} reads`,
  ];
  return { level: run.retrying > 0 ? "error" : "info", message: `${where}: ${parts.join(", ")}` };
}
