import { OUTCOME_RECORD_PREFIX } from "../../shared/core/outcomeRecords";

// The function's outcome records (shared/core/outcomeRecords.ts) in Application Insights' `traces`,
// each parsed into `r`. Counts add `itemCount`: host.json keeps traces out of sampling, but with
// sampling on a kept record stands for itemCount of them.
const RECORDS = `traces
| where message startswith "${OUTCOME_RECORD_PREFIX}{"
| extend r = parse_json(substring(message, ${OUTCOME_RECORD_PREFIX.length}))`;

/** Outcomes per hour by event type (its last dotted part) and outcome: one per (event, workflow), one per event that started none. */
export const EVENTS_BY_TYPE_AND_OUTCOME = `${RECORDS}
| summarize outcomes = sum(itemCount) by bin(timestamp, 1h), series = strcat(extract(@"[^.]*$", 0, tostring(r.eventType)), ": ", tostring(r.outcome))
| render timechart`;

/** Jobs submitted per workflow (a redelivery's duplicate is not counted). */
export const JOBS_PER_WORKFLOW = `${RECORDS}
| where tostring(r.outcome) == "submitted"
| summarize jobs = sum(itemCount) by workflow = tostring(r.workflow)
| order by jobs desc
| render barchart`;

/**
 * Each rejection with its reason. The record holds no reason (it may quote the event), so the
 * reason comes from the error line the same invocation logged for that workflow (or event).
 */
export const REJECTIONS = `let lines = traces
| where severityLevel >= 3 and (message startswith "rejected " or message startswith "report of workflow ")
| extend report = extract(@"^report of workflow ([a-z0-9-]+) onto model ", 1, message), named = extract(@" for workflow ([a-z0-9-]+): ", 1, message)
| project operation_Id,
    workflow = iff(isnotempty(report), strcat(report, ".report"), named),
    reason = case(
        isnotempty(report), extract(@" not written: (.*)$", 1, message),
        isnotempty(named), extract(@" for workflow [a-z0-9-]+: (.*)$", 1, message),
        extract(@"^rejected event [^:]*: (.*)$", 1, message));
${RECORDS}
| where tostring(r.outcome) == "rejected"
| extend workflow = tostring(r.workflow)
| join kind=leftouter lines on operation_Id, workflow
| project timestamp, event = tostring(r.event), eventType = tostring(r.eventType), workflow, job = tostring(r.job), reason
| order by timestamp desc`;

/** Time from the event's time to its job's submission, per hour: median, 95th percentile and longest. */
export const SUBMIT_LATENCY = `${RECORDS}
| where tostring(r.outcome) == "submitted" and isnotnull(r.latencyMs)
| extend latencyMs = tolong(r.latencyMs)
| summarize p50Ms = percentile(latencyMs, 50), p95Ms = percentile(latencyMs, 95), maxMs = max(latencyMs) by bin(timestamp, 1h)
| render timechart`;

/** Every rejected event, workflow or report onto a model: what the rejections alert counts. */
export const REJECTIONS_ALERT = `${RECORDS}
| where tostring(r.outcome) == "rejected"`;

/** Every query above by name, for the workbook, the docs and their tests. */
export const KQL_QUERIES = {
  eventsByTypeAndOutcome: EVENTS_BY_TYPE_AND_OUTCOME,
  jobsPerWorkflow: JOBS_PER_WORKFLOW,
  rejections: REJECTIONS,
  submitLatency: SUBMIT_LATENCY,
  rejectionsAlert: REJECTIONS_ALERT,
} as const;

/** The Event Grid metric of events it gave up delivering (the workbook charts it; no log holds it). */
export const DEAD_LETTER_METRIC = "DeadLetteredCount";
