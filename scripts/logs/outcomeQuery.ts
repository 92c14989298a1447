import { OUTCOME_RECORD_PREFIX } from "../../shared/core/outcomeRecords";
import type { RecordFilter } from "./recordFilter";

// The function's log lines as the Logs query API shows them for either target: `AppTraces` is the
// table of resource type microsoft.insights/components, so a resource-centric query on the
// component reads it as a workspace query does
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/apptraces,
// https://learn.microsoft.com/azure/azure-monitor/logs/manage-access). The classic `traces`, which
// the workbook and the alert read in the component's own context, fails in a workspace's.
const TABLE = "AppTraces";
const TIME = "TimeGenerated";
const MESSAGE = "Message";

/** The most records one answer holds: the latest ones. */
export const RECORD_LIMIT = 1000;

/**
 * A KQL string literal holding `text` exactly: double-quoted, with `\` and `"` escaped by a
 * backslash, and tab, newline and return written as escapes
 * (https://learn.microsoft.com/azure/data-explorer/kusto/query/scalar-data-types/string).
 */
export function kqlString(text: string): string {
  const escaped = text.replace(/[\\"]/g, "\\$&").replace(/[\t\n\r]/g, (c) => ESCAPES[c] ?? c);
  // Filter values went through the record's escaping, so nothing else unprintable is left: refuse
  // rather than guess at an escape KQL may not have.
  if (/\p{Cc}/u.test(escaped)) throw new Error("a KQL string may not hold control characters");
  return `"${escaped}"`;
}
const ESCAPES: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * The query `amlwf logs` runs: the outcome records logged since the filter's time that pass its
 * filters, the latest {@link RECORD_LIMIT}, as `timestamp` and `message` columns.
 */
export function outcomeQuery(filter: RecordFilter): string {
  const field = (name: string) => `tostring(r.${name})`;
  const filters: string[] = [];
  if (filter.event !== undefined) filters.push(`${field("event")} == ${kqlString(filter.event)}`);
  if (filter.workflow !== undefined)
    filters.push(
      `${field("workflow")} in (${kqlString(filter.workflow)}, ${kqlString(`${filter.workflow}.report`)})`,
    );
  const { model } = filter;
  if (model !== undefined)
    filters.push(
      "exact" in model
        ? `${field("model")} == ${kqlString(model.exact)}`
        : `${field("model")} startswith_cs ${kqlString(model.prefix)}`,
    );
  return [
    TABLE,
    `| where ${TIME} >= datetime(${new Date(filter.since).toISOString()})`,
    `| where ${MESSAGE} startswith ${kqlString(`${OUTCOME_RECORD_PREFIX}{`)}`,
    `| extend r = parse_json(substring(${MESSAGE}, ${OUTCOME_RECORD_PREFIX.length}))`,
    ...filters.map((condition) => `| where ${condition}`),
    `| top ${RECORD_LIMIT} by ${TIME} desc`,
    `| project timestamp = ${TIME}, message = ${MESSAGE}`,
  ].join("\n");
}
