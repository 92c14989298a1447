import type { OutcomeLine } from "../core/describeOutcome";

/** A line about a watcher run; a run that found nothing is `debug`, below the host's default log level. */
export interface WatchRunLine {
  level: OutcomeLine["level"] | "debug";
  message: string;
}
import { printable } from "../core/printable";
import type { WatchRun } from "./watchWorkspace";

const workspaceName = (id: string) => id.slice(id.lastIndexOf("/") + 1);

/** The log line for one watcher run over one workspace. */
export function describeWatchRun(run: WatchRun): WatchRunLine {
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
  const idle =
    run.emitted === 0 && run.retrying === 0 && run.deletedVersions === 0 && run.unread === 0;
  return {
    // Once a minute per workspace: a run that found nothing is not worth a line in the logs.
    level: run.retrying > 0 ? "error" : idle ? "debug" : "info",
    message: `${where}: ${parts.join(", ")}`,
  };
}
