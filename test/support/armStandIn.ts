import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

import { type AssetVersions, labelLookupAnswer } from "./labelAssets";

/** One request the stand-in received. */
export interface RecordedRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  /** The query string as sent (`?api-version=…&$orderBy=…`). */
  query: string;
  authorization: string | undefined;
  body: unknown;
  at: number;
}

/** What the stand-in does with one request before (or instead of) the normal behaviour. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { drop: "before-create" | "after-create" }
  | { slowMs: number };

/**
 * A local HTTPS stand-in for the ARM jobs API: PUT creates, a second PUT answers "already exists", GET
 * reads; also model versions, and the asset reads a label look-up makes.
 */
export interface ArmStandIn {
  endpoint: string;
  requests: RecordedRequest[];
  jobs: Map<string, { properties: Record<string, unknown> }>;
  /** Faults applied to the next requests, in order (one per request). */
  faults: Fault[];
  /** Picks a fault for a request when the queue is empty (fault-injection runs). */
  chooseFault?: (method: string) => Fault | undefined;
  /** Every job the stand-in created, in order: a second creation for one name would be a duplicate. */
  creations: { name: string; eventId: unknown; workflow: unknown; at: number }[];
  /** Status for "already exists": 409 or 400, not confirmed. */
  existsStatus: 409 | 400;
  /** ARM's write throttling (AZURE-FACTS §7): a bucket per principal, 429 with Retry-After when empty. */
  throttle?: { bucket: number; perSecond: number };
  /** How many writes the bucket refused. */
  throttled: number;
  /** Whether write answers say what is left of the bucket, as ARM's do (default true). */
  remainingHeaders: boolean;
  /** Model versions, keyed `name/version`: GET reads one, PUT replaces it. */
  models: Map<string, { properties: Record<string, unknown> }>;
  /**
   * Asset versions for label look-ups, keyed `<data|models|components|environments>/<name>`, in any
   * order: the data container's `latestVersion` and the versions list (`$orderBy=createdtime
   * desc`, `$top`) follow `createdAt`, as the workspace's do.
   */
  assets: AssetVersions;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      resolve(text);
    });
    req.on("error", reject);
  });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { "content-type": "application/json", ...headers })
    .end(JSON.stringify(body));
}

/** Starts the stand-in on 127.0.0.1 with the test certificate made in globalSetup. */
export async function startArmStandIn(): Promise<ArmStandIn> {
  const state: Omit<ArmStandIn, "endpoint" | "close"> = {
    requests: [],
    jobs: new Map(),
    faults: [],
    creations: [],
    existsStatus: 409,
    throttled: 0,
    remainingHeaders: true,
    models: new Map(),
    assets: new Map(),
  };
  // The write bucket: tokens refill continuously up to the bucket size.
  let tokens = Number.NaN;
  let refilledAt = Date.now();
  // A write's turn at the bucket: ARM says on every write answer how many tokens are left
  // (`x-ms-ratelimit-remaining-subscription-writes`), and on a 429 how long to wait, in whole seconds.
  const takeWriteToken = (res: ServerResponse): number | undefined => {
    const throttle = state.throttle;
    if (!throttle) return undefined;
    const now = Date.now();
    tokens = Number.isNaN(tokens)
      ? throttle.bucket
      : Math.min(throttle.bucket, tokens + ((now - refilledAt) / 1000) * throttle.perSecond);
    refilledAt = now;
    const granted = tokens >= 1;
    if (granted) tokens -= 1;
    if (state.remainingHeaders)
      res.setHeader("x-ms-ratelimit-remaining-subscription-writes", String(Math.floor(tokens)));
    return granted ? undefined : Math.max(1, Math.ceil((1 - tokens) / throttle.perSecond));
  };
  const create = (name: string, job: { properties: Record<string, unknown> }) => {
    const tags = (job.properties.tags ?? {}) as Record<string, unknown>;
    state.creations.push({
      name,
      eventId: tags["trigger.eventId"],
      workflow: tags["trigger.workflow"],
      at: Date.now(),
    });
    state.jobs.set(name, job);
  };
  const server: Server = createServer(
    {
      key: readFileSync(process.env.TEST_TLS_KEY ?? ""),
      cert: readFileSync(process.env.TEST_TLS_CERT ?? ""),
    },
    (req, res) => {
      void (async () => {
        const url = new URL(req.url ?? "/", "https://127.0.0.1");
        const text = await readBody(req);
        const body: unknown = text === "" ? undefined : JSON.parse(text);
        state.requests.push({
          method: req.method ?? "",
          path: url.pathname,
          apiVersion: url.searchParams.get("api-version"),
          query: url.search,
          authorization: req.headers.authorization,
          body,
          at: Date.now(),
        });
        const name = /\/jobs\/([^/]+)$/.exec(url.pathname)?.[1];
        const waitSeconds = req.method === "PUT" ? takeWriteToken(res) : undefined;
        if (waitSeconds !== undefined) {
          state.throttled += 1;
          json(
            res,
            429,
            { error: { code: "TooManyRequests", message: "write bucket empty" } },
            { "retry-after": String(waitSeconds) },
          );
          return;
        }
        let fault = state.faults.shift() ?? state.chooseFault?.(req.method ?? "");
        if (fault && "slowMs" in fault) {
          // Answer late, past the client's budget; the work still happens, as it would in ARM.
          await new Promise((resolve) =>
            setTimeout(resolve, fault && "slowMs" in fault ? fault.slowMs : 0),
          );
          fault = undefined;
        }
        if (fault && "drop" in fault) {
          if (
            fault.drop === "after-create" &&
            req.method === "PUT" &&
            name &&
            !state.jobs.has(name)
          ) {
            create(name, body as { properties: Record<string, unknown> });
          }
          req.socket.destroy();
          return;
        }
        if (fault) {
          json(
            res,
            fault.status,
            fault.body ?? { error: { code: `Status${fault.status}`, message: "injected fault" } },
            fault.headers,
          );
          return;
        }
        const asset = req.method === "GET" ? labelLookupAnswer(url, state.assets) : undefined;
        if (asset) {
          json(res, asset.status, asset.body);
          return;
        }
        const modelVersion = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(url.pathname);
        if (modelVersion) {
          const key = `${decodeURIComponent(modelVersion[1] ?? "")}/${decodeURIComponent(modelVersion[2] ?? "")}`;
          const found = state.models.get(key);
          if (req.method === "GET") {
            if (found) json(res, 200, { id: url.pathname, name: modelVersion[2], ...found });
            else json(res, 404, { error: { code: "NotFound", message: `model ${key} not found` } });
          } else if (req.method === "PUT") {
            state.models.set(key, body as { properties: Record<string, unknown> });
            json(res, 200, { id: url.pathname, ...(body as object) });
          } else json(res, 405, { error: { code: "MethodNotAllowed", message: "" } });
          return;
        }
        if (!name && req.method === "GET" && /\/jobs$/.test(url.pathname)) {
          // The jobs list: jobs having the `tag` key, two per page, continued with $skip.
          const tag = url.searchParams.get("tag");
          const all = [...state.jobs.entries()].filter(
            ([, job]) => tag === null || Object.hasOwn(job.properties.tags ?? {}, tag),
          );
          const skip = Number(url.searchParams.get("$skip") ?? "0");
          const page = all.slice(skip, skip + 2);
          const next = new URL(url);
          next.searchParams.set("$skip", String(skip + 2));
          json(res, 200, {
            value: page.map(([jobName, job]) => ({
              id: `${url.pathname}/${jobName}`,
              name: jobName,
              properties: { status: "Running", ...job.properties },
              systemData: { createdAt: new Date().toISOString() },
            })),
            ...(skip + 2 < all.length
              ? { nextLink: `https://${req.headers.host ?? ""}${next.pathname}${next.search}` }
              : {}),
          });
          return;
        }
        if (!name) {
          json(res, 404, { error: { code: "NotFound", message: "no such route" } });
          return;
        }
        const existing = state.jobs.get(name);
        if (req.method === "GET") {
          if (existing) json(res, 200, { id: url.pathname, name, ...existing });
          else
            json(res, 404, {
              error: { code: "ResourceNotFound", message: `job ${name} not found` },
            });
          return;
        }
        if (req.method === "PUT") {
          if (existing) {
            json(res, state.existsStatus, {
              error: { code: "UserError", message: `A job with this ID already exists: ${name}` },
            });
            return;
          }
          const job = body as { properties: Record<string, unknown> };
          create(name, job);
          json(res, 201, {
            id: url.pathname,
            name,
            properties: { ...job.properties, status: "NotStarted" },
          });
          return;
        }
        json(res, 405, { error: { code: "MethodNotAllowed", message: String(req.method) } });
      })();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    endpoint: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  });
}
