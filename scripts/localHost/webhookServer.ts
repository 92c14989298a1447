import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { InvocationContext } from "@azure/functions";

import type { EventGridHandler } from "../../functions/registry";
import { WEBHOOK_PATH } from "../../shared/constants";
import { OUTCOME_RECORD_PREFIX } from "../../shared/core/outcomeRecords";
import { errorMessage } from "../../shared/errors";
import { refuseContentType, refuseHost } from "./requestGuard";

/** One invocation's result, returned to the caller so send-event can print outcomes. */
export interface InvocationReport {
  invocationId: string;
  eventId: string | null;
  logs: { level: string; message: string }[];
  error?: string;
}

/** Options for the local host. */
export interface LocalHostOptions {
  functions: ReadonlyMap<string, EventGridHandler>;
  /** Where invocation logs go, one line each. */
  log?: (line: string) => void;
  /** Where the outcome records go (`outcome {json}`, which `log` leaves out): `amlwf logs` reads them. */
  records?: (line: string) => void;
  maxBodyBytes?: number;
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
  } else if (typeof body === "string") {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(body);
  } else {
    res
      .writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers })
      .end(JSON.stringify(body));
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function validationCode(body: unknown): string | undefined {
  // Event Grid schema: an array whose first event carries data.validationCode. CloudEvents: one
  // object whose data may arrive JSON-encoded as a string (as the Functions extension handles it).
  const first: unknown = Array.isArray(body) ? body[0] : body;
  if (typeof first !== "object" || first === null) return undefined;
  let data = (first as { data?: unknown }).data;
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  const code =
    typeof data === "object" && data !== null
      ? (data as { validationCode?: unknown }).validationCode
      : undefined;
  return typeof code === "string" ? code : undefined;
}

/** An invocation context whose lines go to the host's log (records to `records`) and into `logs`. */
export function localInvocationContext(
  name: string,
  invocationId: string,
  logs: { level: string; message: string }[],
  log: (line: string) => void,
  records: (line: string) => void,
): InvocationContext {
  return new InvocationContext({
    invocationId,
    functionName: name,
    logHandler: (level, ...args) => {
      const message = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
      logs.push({ level, message });
      // Below the Functions host's default level (Information): kept out of the log, as there.
      if (level === "debug" || level === "trace") return;
      // The structured record is for Application Insights' queries; people read the line before it.
      if (message.startsWith(OUTCOME_RECORD_PREFIX)) records(message);
      else
        log(
          `[${new Date().toISOString()}] ${name} (${invocationId.slice(0, 8)}) ${level}: ${message}`,
        );
    },
  });
}

async function invoke(
  name: string,
  handler: EventGridHandler,
  event: unknown,
  log: (line: string) => void,
  records: (line: string) => void,
): Promise<InvocationReport> {
  const invocationId = randomUUID();
  const eventId =
    typeof event === "object" &&
    event !== null &&
    typeof (event as { id?: unknown }).id === "string"
      ? (event as { id: string }).id
      : null;
  const report: InvocationReport = { invocationId, eventId, logs: [] };
  const context = localInvocationContext(name, invocationId, report.logs, log, records);
  try {
    await handler(event, context);
  } catch (error) {
    report.error = errorMessage(error);
    log(
      `[${new Date().toISOString()}] ${name} (${invocationId.slice(0, 8)}) failed: ${report.error}`,
    );
  }
  return report;
}

/** Answers one request exactly as Core Tools' Event Grid webhook does. */
export async function handleWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  options: LocalHostOptions,
): Promise<void> {
  const log = options.log ?? (() => undefined);
  const wrongHost = refuseHost(req);
  if (wrongHost) {
    send(res, wrongHost.status, wrongHost.reason);
    return;
  }
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname.toLowerCase() !== WEBHOOK_PATH) {
    send(
      res,
      404,
      `no route for ${url.pathname}; Event Grid deliveries go to ${WEBHOOK_PATH}?functionName=<name>`,
    );
    return;
  }

  const name = url.searchParams.get("functionName") ?? "";
  const handler = options.functions.get(name);
  if (!handler) {
    send(
      res,
      404,
      `cannot find function: '${name}', available function names: [${[...options.functions.keys()].join(", ")}]`,
    );
    return;
  }

  // CloudEvents abuse protection (https://github.com/cloudevents/spec/blob/main/cloudevents/http-webhook.md#4-abuse-protection).
  if (req.method === "OPTIONS") {
    const origin = req.headers["webhook-request-origin"];
    if (typeof origin !== "string" || origin === "") {
      send(res, 400, "OPTIONS needs a WebHook-Request-Origin header");
      return;
    }
    send(res, 200, undefined, { "WebHook-Allowed-Origin": origin, Allow: "POST, OPTIONS" });
    return;
  }
  if (req.method !== "POST") {
    send(res, 405, `${req.method ?? ""} is not allowed; POST events here`, {
      Allow: "POST, OPTIONS",
    });
    return;
  }
  const wrongType = refuseContentType(req);
  if (wrongType) {
    send(res, wrongType.status, wrongType.reason);
    return;
  }

  const eventType = (req.headers["aeg-event-type"] as string | undefined)?.toLowerCase();
  if (eventType === "unsubscribe") {
    send(res, 202);
    return;
  }
  if (eventType !== "notification" && eventType !== "subscriptionvalidation") {
    send(
      res,
      400,
      `aeg-event-type must be Notification or SubscriptionValidation (got ${eventType === undefined ? "none" : JSON.stringify(req.headers["aeg-event-type"])})`,
    );
    return;
  }
  const text = await readBody(req, options.maxBodyBytes ?? 16 * 1024 * 1024);
  if (text === undefined) {
    send(res, 413, "request body too large");
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    send(res, 400, `request body is not JSON: ${errorMessage(error)}`);
    return;
  }
  if (typeof body !== "object" || body === null) {
    send(res, 400, "request body must be a JSON object or array");
    return;
  }

  if (eventType === "subscriptionvalidation") {
    const code = validationCode(body);
    if (code === undefined) {
      send(res, 400, "SubscriptionValidation body has no data.validationCode");
      return;
    }
    log(`[${new Date().toISOString()}] subscription validation handshake for ${name}`);
    send(res, 200, { validationResponse: code });
    return;
  }

  // Core Tools starts every event of the batch in parallel; one failure fails the whole delivery.
  const events: unknown[] = Array.isArray(body) ? body : [body];
  const records = options.records ?? (() => undefined);
  const reports = await Promise.all(
    events.map((event) => invoke(name, handler, event, log, records)),
  );
  const failed = reports.find((r) => r.error !== undefined);
  if (failed) {
    send(res, 500, failed.error ?? "");
    return;
  }
  send(res, 202, { invocations: reports });
}

/** Starts the local host on 127.0.0.1 only; resolves with the server and its port. */
export async function startLocalHost(
  port: number,
  options: LocalHostOptions,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handleWebhook(req, res, options).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, errorMessage(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
