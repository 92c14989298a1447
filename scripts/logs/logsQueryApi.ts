import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
} from "@azure/core-rest-pipeline";

import { isRecord } from "../../shared/guards";

/** The setting that names the Logs query API's endpoint, for a sovereign cloud. */
export const LOGS_QUERY_ENDPOINT_SETTING = "LOGS_QUERY_ENDPOINT";

/**
 * The public cloud's endpoint, which is also the token's audience; Azure China's is
 * https://api.loganalytics.azure.cn and Azure Government's https://api.loganalytics.us (the
 * audiences @azure/monitor-query-logs knows: `KnownMonitorLogsQueryAudience`).
 */
export const DEFAULT_LOGS_QUERY_ENDPOINT = "https://api.loganalytics.io";

/** What to query: an Application Insights resource (by ARM id) or a Log Analytics workspace (by its GUID). */
export type QueryTarget = { kind: "component"; id: string } | { kind: "workspace"; id: string };

/** One row of the answer: when the line was logged and the line. */
export interface TraceRow {
  timestamp: string;
  message: string;
}

/** The API's answer: rows (and a partial failure's error, when it gave only some), or its error. */
export type QueryAnswer =
  | { ok: true; rows: TraceRow[]; partialError?: string }
  | { ok: false; status: number; code: string; message: string };

/**
 * POST `{endpoint}/v1{resourceId}/query` (a resource-centric query) or
 * `{endpoint}/v1/workspaces/{id}/query`, with a body of `{ query }`
 * (https://learn.microsoft.com/azure/azure-monitor/logs/api/azure-resource-queries,
 * https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format).
 */
export function queryUrl(endpoint: string, target: QueryTarget): string {
  return target.kind === "component"
    ? `${endpoint}/v1${target.id}/query`
    : `${endpoint}/v1/workspaces/${target.id}/query`;
}

/** An error body's message: the innermost `innererror` says what in the query is wrong. */
function errorOf(body: unknown): { code: string; message: string } {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error === undefined) return { code: "", message: typeof body === "string" ? body : "" };
  const messages: string[] = [];
  for (let e: unknown = error, depth = 0; isRecord(e) && depth < 10; e = e.innererror, depth++)
    if (typeof e.message === "string" && !messages.includes(e.message)) messages.push(e.message);
  return {
    code: typeof error.code === "string" ? error.code : "",
    message: messages.join(": "),
  };
}

/** The first table's `timestamp` and `message` columns, row by row. */
function rowsOf(body: unknown): TraceRow[] | undefined {
  const table = isRecord(body) && Array.isArray(body.tables) ? (body.tables[0] as unknown) : {};
  if (!isRecord(table) || !Array.isArray(table.columns) || !Array.isArray(table.rows))
    return undefined;
  const names = (table.columns as unknown[]).map((c) => (isRecord(c) ? c.name : undefined));
  const [time, message] = [names.indexOf("timestamp"), names.indexOf("message")];
  if (time < 0 || message < 0) return undefined;
  return (table.rows as unknown[]).flatMap((row) => {
    const cells = Array.isArray(row) ? (row as unknown[]) : [];
    const [at, line] = [cells[time], cells[message]];
    return typeof at === "string" && typeof line === "string"
      ? [{ timestamp: at, message: line }]
      : [];
  });
}

/** Runs one query with a bearer token for `{endpoint}/.default`, on the Azure SDK's pipeline (retries, redacted logging). */
export async function queryLogs(
  endpoint: string,
  target: QueryTarget,
  query: string,
  credential: TokenCredential,
): Promise<QueryAnswer> {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: { userAgentPrefix: "aml-event-workflows-logs" },
  });
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({ credential, scopes: `${endpoint}/.default` }),
  );
  const response = await pipeline.sendRequest(
    createDefaultHttpClient(),
    createPipelineRequest({
      url: queryUrl(endpoint, target),
      method: "POST",
      headers: createHttpHeaders({
        accept: "application/json",
        "content-type": "application/json",
      }),
      body: JSON.stringify({ query }),
    }),
  );
  let body: unknown = response.bodyAsText ?? "";
  try {
    body = JSON.parse(response.bodyAsText ?? "");
  } catch {
    // Not JSON: the text is the message.
  }
  if (response.status !== 200) return { ok: false, status: response.status, ...errorOf(body) };
  const rows = rowsOf(body);
  if (rows === undefined)
    return { ok: false, status: 200, code: "", message: "the answer holds no table of traces" };
  // A partial failure answers 200 with the rows it has and an `error` beside them.
  const partial = isRecord(body) && isRecord(body.error) ? errorOf(body) : undefined;
  return {
    ok: true,
    rows,
    ...(partial === undefined ? {} : { partialError: `${partial.code}: ${partial.message}` }),
  };
}
