/** `amlwf logs`: the function's recent outcome records, from the local host's log or from Application Insights. */
import { relative } from "node:path";

import { lazyDefaultAzureCredential } from "../shared/aml/lazyCredential";
import { printable } from "../shared/core/printable";
import { EXIT, runCommand } from "./cli/runCommand";
import { hostLogPath } from "./localHost/hostLog";
import { readHostLogRecords } from "./logs/hostLogRecords";
import { queryLogs, type QueryTarget } from "./logs/logsQueryApi";
import { outcomeQuery, RECORD_LIMIT } from "./logs/outcomeQuery";
import { queryProblem } from "./logs/queryProblem";
import { logsQueryEndpoint, readTarget } from "./logs/queryTarget";
import { loggedRecord } from "./logs/readRecord";
import {
  DEFAULT_SINCE,
  type LoggedRecord,
  matchesFilter,
  readFilter,
  type RecordFilter,
} from "./logs/recordFilter";
import { recordLine } from "./logs/recordLine";

/** What one source gave: the records (oldest first) and what to say about them. */
interface Found {
  records: LoggedRecord[];
  from: string;
  /** Whether there may be more than the records shown. */
  capped: boolean;
  notes: string[];
  /** Set when the source answered only in part: the command exits 1. */
  partial?: string;
}

function fromHostLog(projectRoot: string, filter: RecordFilter): Found {
  const path = hostLogPath(projectRoot);
  const shown = relative(process.cwd(), path) || path;
  const log = readHostLogRecords(path);
  const matching = log.records.filter((r) => matchesFilter(r, filter));
  const notes: string[] = [];
  if (log.files.length === 0)
    notes.push(
      `no host log at ${shown}: \`amlwf start\` writes it while its local host runs (Core Tools' output is not kept)`,
    );
  if (log.unreadable > 0) notes.push(`${log.unreadable} record line(s) in ${shown} did not read`);
  return {
    records: matching.slice(-RECORD_LIMIT),
    from: shown,
    capped: matching.length > RECORD_LIMIT,
    notes,
  };
}

async function fromAzure(target: QueryTarget, filter: RecordFilter): Promise<Found> {
  const endpoint = logsQueryEndpoint();
  const query = outcomeQuery(filter);
  const answer = await queryLogs(endpoint, target, query, lazyDefaultAzureCredential());
  if (!answer.ok) throw new Error(queryProblem(answer, target, query));
  // The query gives the latest first; a log reads oldest first.
  const rows = [...answer.rows].reverse();
  const records = rows.flatMap((row) => loggedRecord(row.timestamp, row.message) ?? []);
  const unreadable = rows.length - records.length;
  return {
    records,
    from:
      target.kind === "component"
        ? `Application Insights ${target.id.slice(target.id.lastIndexOf("/") + 1)}`
        : `Log Analytics workspace ${target.id}`,
    capped: rows.length >= RECORD_LIMIT,
    notes: unreadable > 0 ? [`${unreadable} record line(s) did not read`] : [],
    ...(answer.partialError === undefined ? {} : { partial: answer.partialError }),
  };
}

runCommand({
  usage:
    "usage: amlwf logs [--app-insights <ARM id> | --workspace <GUID>] [--event <id>] [--model <name>[:<version>]] [--workflow <name>] [--since <30m|2h|1d|ISO time>] [--json]",
  description: `The function's outcome records: one line per (event, workflow), with its outcome, job and model.
Without --app-insights or --workspace, from the local host's log (.local/logs/host.log, which
\`amlwf start\` writes while its local host runs; Core Tools' \`func start\` output is not kept).
In Azure, from Application Insights through the Logs query API, with your identity (az login):
  --app-insights ID   the Application Insights resource's ARM id (pulumi stack output app_insights_id -C infra);
                      needs Reader, Monitoring Reader or Log Analytics Reader on it
  --workspace GUID    or its Log Analytics workspace's Workspace ID; needs Log Analytics Reader there
  --event ID          one event
  --model N[:V]       one model, or every version of it
  --workflow NAME     one workflow (and its reports onto models)
  --since WHEN        30m, 2h, 1d back, or an ISO 8601 time (default ${DEFAULT_SINCE})
  --json              the records as a JSON array, each with its time
At most the latest ${RECORD_LIMIT} records. LOGS_QUERY_ENDPOINT names the API in a sovereign cloud
(default https://api.loganalytics.io; https://api.loganalytics.azure.cn, https://api.loganalytics.us).
Exit: 0 answered (also with no records, which it says; also with no local log yet), 1 the query
failed or answered only in part, 2 usage.`,
  options: {
    "app-insights": { type: "string" },
    workspace: { type: "string" },
    event: { type: "string" },
    model: { type: "string" },
    workflow: { type: "string" },
    since: { type: "string" },
    json: { type: "boolean" },
  },
  async run({ values, projectRoot }) {
    const filter = readFilter(values, Date.now());
    const target = readTarget(values);
    const found =
      target === undefined ? fromHostLog(projectRoot, filter) : await fromAzure(target, filter);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const note = (line: string) => process.stderr.write(`${line}\n`);
    const since = new Date(filter.since).toISOString();
    const more = found.capped
      ? ` (the latest ${RECORD_LIMIT}; narrow with --since or a filter)`
      : "";
    if (values.json === true) {
      out(JSON.stringify(found.records, null, 2));
      for (const line of found.notes) note(line);
      if (found.capped) note(`logs: the latest ${RECORD_LIMIT} records only`);
    } else {
      for (const record of found.records) out(recordLine(record));
      for (const line of found.notes) out(line);
      out(
        found.records.length === 0
          ? `no outcome records since ${since} in ${found.from}`
          : `logs: ${found.records.length} outcome record(s) since ${since} in ${found.from}${more}`,
      );
    }
    if (found.partial === undefined) return EXIT.ok;
    note(`the Logs query API answered only in part: ${printable(found.partial)}`);
    return EXIT.failed;
  },
});
