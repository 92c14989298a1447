import { printable } from "../../shared/core/printable";
import type {
  HistoryComparison,
  HistoryEntry,
  RejectedEntry,
  SupersededEntry,
  WorkflowHistory,
} from "./compareHistory";

/** What `plan --backtest` answers: the window, where it read, and the comparison. */
export interface Backtest extends HistoryComparison {
  since: string;
  until: string;
  archive: string;
  workflowsFile: string;
  jobsFrom: string;
}

/** The three lists' headings, in the order they print. */
const LISTS = [
  ["both", "would start and did"],
  ["wouldOnly", "would start and did not"],
  ["didOnly", "did start and would no longer"],
] as const;

const eventText = (e: { event: string | null; type: string; subject: string }) =>
  printable(`${e.event ?? "<no id>"} ${e.type} ${e.subject}`, 300);

function entryLine(entry: HistoryEntry): string {
  const status = entry.status === undefined ? "" : ` [${entry.status}]`;
  const why = entry.why === undefined ? "" : ` — ${printable(entry.why, 300)}`;
  return `    ${eventText(entry)} → ${entry.jobName}${status}${why}`;
}

function supersededLine(entry: SupersededEntry): string {
  const by = entry.supersededBy;
  return `    ${eventText(entry)} → superseded by ${printable(`${by.event ?? "<no id>"} ${by.subject}`, 300)} (${by.jobName}), window ${printable(JSON.stringify(entry.key), 300)} ${entry.window.opensAt} to ${entry.window.closesAt}`;
}

/** A coalescing workflow's windows and the events they supersede; nothing for one that does not coalesce. */
function coalescingLines(history: WorkflowHistory): string[] {
  if (history.windows === undefined && history.superseded.length === 0) return [];
  return [
    `  superseded in coalescing windows: ${history.superseded.length} (${history.windows ?? 0} window(s), one job each)`,
    ...history.superseded.map(supersededLine),
  ];
}

const rejectedLine = (r: RejectedEntry) =>
  `  ${eventText(r)}${r.workflow === null ? "" : ` for ${r.workflow}`}: ${printable(r.reason, 300)}`;

/** The totals line, text and tests alike. */
export function backtestTotals(report: Backtest): Record<string, number> {
  const count = (list: "both" | "wouldOnly" | "didOnly" | "superseded") =>
    Object.values(report.workflows).reduce((n, w) => n + w[list].length, 0);
  return {
    events: report.events,
    workflows: Object.keys(report.workflows).length,
    both: count("both"),
    wouldOnly: count("wouldOnly"),
    didOnly: count("didOnly"),
    superseded: count("superseded"),
    rejected: report.rejected.length,
    corrupt: report.corrupt.length,
  };
}

/** The comparison as people read it: per workflow its three lists (and what coalescing supersedes), then rejections, corrupt lines and the totals. */
export function backtestText(report: Backtest): string[] {
  const lines = [
    `backtest: events received from ${report.since} to ${report.until} (${report.archive})`,
    `workflows: ${report.workflowsFile}`,
    `what happened: ${report.jobs} job(s) with this project's lineage in ${report.jobsFrom}`,
  ];
  for (const [name, history] of Object.entries(report.workflows)) {
    lines.push("", name);
    for (const [list, heading] of LISTS) {
      const entries = history[list];
      lines.push(`  ${heading}: ${entries.length}`, ...entries.map(entryLine));
    }
    lines.push(...coalescingLines(history));
  }
  if (report.rejected.length > 0)
    lines.push(
      "",
      `would be rejected: ${report.rejected.length}`,
      ...report.rejected.map(rejectedLine),
    );
  if (report.corrupt.length > 0)
    lines.push(
      "",
      `archive lines that do not read, skipped: ${report.corrupt.length}`,
      ...report.corrupt.map((c) => `  ${printable(`${c.where}: ${c.reason}`, 300)}`),
    );
  const totals = Object.entries(backtestTotals(report))
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  lines.push("", `backtest: ${totals}. Nothing was sent.`);
  return lines;
}
