import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

import { labelLookupAnswer } from "./labelAssets";

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

/** A job or model version; `createdAt` (its `systemData`) defaults to when its key was first set. */
export interface StandInResource {
  properties: Record<string, unknown>;
  createdAt?: string;
}

/** An asset version: label look-ups read `version` and `createdAt`; a data version also answers its tags, uri and type. */
export interface StandInAssetVersion {
  version: string;
  createdAt: string;
  tags?: Record<string, string>;
  dataUri?: string;
  dataType?: string;
}

let lastStamp = 0;
// Strictly increasing, so resources set within one millisecond still list in the order they were set.
function stamp(): string {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp).toISOString();
}

/**
 * Resources by key, each with its `systemData`: created when its key was first set (or at its own
 * `createdAt`), modified when last set. Deleting a key deletes the resource.
 */
export class ResourceMap extends Map<string, StandInResource> {
  private readonly stamps = new Map<string, { createdAt: string; lastModifiedAt: string }>();

  override set(key: string, value: StandInResource): this {
    const now = stamp();
    const createdAt = value.createdAt ?? this.stamps.get(key)?.createdAt ?? now;
    this.stamps.set(key, { createdAt, lastModifiedAt: now });
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.stamps.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.stamps.clear();
    super.clear();
  }

  /** The resource's `systemData`, as ARM answers it. */
  systemData(key: string): { createdAt: string; lastModifiedAt: string } {
    const stamps = this.stamps.get(key) ?? { createdAt: stamp(), lastModifiedAt: stamp() };
    return { ...stamps, createdAt: this.get(key)?.createdAt ?? stamps.createdAt };
  }
}

/** What the stand-in does with one request before (or instead of) the normal behaviour. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { drop: "before-create" | "after-create" }
  | { slowMs: number };

/**
 * A local HTTPS stand-in for the ARM jobs API: PUT creates, a second PUT answers "already exists", GET
 * reads, and the jobs list pages; also model versions (GET, PUT, and the models and versions lists),
 * data versions (the data and versions lists), and the asset reads a label look-up makes.
 */
export interface ArmStandIn {
  endpoint: string;
  requests: RecordedRequest[];
  /** Jobs by name; the list and GET answer `properties.status` (default "Running", set it to e.g. "Canceled") and `systemData`. */
  jobs: ResourceMap;
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
  /**
   * Model versions, keyed `name/version`: GET reads one, PUT replaces it (keeping its `createdAt`),
   * deleting the key deletes the version. `GET …/models` lists the names, `GET …/models/{name}/versions`
   * the versions by `createdAt` (`$orderBy=createdtime desc`, `$top`, `pageSize`), 404 when there are none.
   */
  models: ResourceMap;
  /**
   * Asset versions, keyed `<data|models|components|environments>/<name>`, in any order: the data
   * container's `latestVersion` and the versions lists (`$orderBy=createdtime desc`, `$top`) follow
   * `createdAt`, as the workspace's do. `GET …/data` lists the `data/` names and `GET
   * …/data/{name}/versions` their versions with tags, `dataUri` and `dataType` (404 when none).
   * A model's versions list comes from here only for a name `models` does not hold (label look-ups).
   */
  assets: Map<string, StandInAssetVersion[]>;
  /** Items per page of the models, data and versions lists (fewer when `$top` asks); default 1000. */
  pageSize: number;
  /** Jobs per page of the jobs list; default 2. */
  jobsPageSize: number;
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

const LIST_ROUTE = /\/workspaces\/[^/]+\/(models|data)(?:\/([^/]+)\/versions)?$/;

/** One page of a list: `$skip` where it starts, `$top` (or `pageSize`, if smaller) how long it is. */
function page(url: URL, host: string, items: unknown[], pageSize: number): unknown {
  const skip = Number(url.searchParams.get("$skip") ?? "0");
  const size = Math.max(1, Math.min(pageSize, Number(url.searchParams.get("$top") ?? pageSize)));
  const next = new URL(url);
  next.searchParams.set("$skip", String(skip + size));
  return {
    value: items.slice(skip, skip + size),
    ...(skip + size < items.length
      ? { nextLink: `https://${host}${next.pathname}${next.search}` }
      : {}),
  };
}

function byCreation<T>(url: URL, items: T[], createdAt: (item: T) => string): T[] {
  const sorted = [...items].sort((a, b) => createdAt(a).localeCompare(createdAt(b)));
  return url.searchParams.get("$orderBy") === "createdtime desc" ? sorted.reverse() : sorted;
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
    jobs: new ResourceMap(),
    faults: [],
    creations: [],
    existsStatus: 409,
    throttled: 0,
    remainingHeaders: true,
    models: new ResourceMap(),
    assets: new Map(),
    pageSize: 1000,
    jobsPageSize: 2,
  };
  const modelVersion = (id: string, key: string, version: string) => ({
    id,
    name: version,
    properties: state.models.get(key)?.properties ?? {},
    systemData: state.models.systemData(key),
  });
  const job = (id: string, name: string) => ({
    id,
    name,
    properties: { status: "Running", ...state.jobs.get(name)?.properties },
    systemData: state.jobs.systemData(name),
  });
  // The models and data lists and their versions lists; undefined for another route (or for a
  // model's versions that only label look-ups' `assets` hold).
  const assetList = (url: URL, host: string): { status: number; body: unknown } | undefined => {
    const route = LIST_ROUTE.exec(url.pathname);
    if (!route) return undefined;
    const [, kind, encodedName] = route;
    const models = [...state.models.keys()].map((key) => {
      const slash = key.indexOf("/");
      return { key, name: key.slice(0, slash), version: key.slice(slash + 1) };
    });
    if (encodedName === undefined) {
      const names =
        kind === "models"
          ? models.map((m) => m.name)
          : [...state.assets.keys()].filter((k) => k.startsWith("data/")).map((k) => k.slice(5));
      const containers = [...new Set(names)].map((name) => ({
        id: `${url.pathname}/${name}`,
        name,
        properties: {},
      }));
      return { status: 200, body: page(url, host, containers, state.pageSize) };
    }
    const name = decodeURIComponent(encodedName);
    const notFound = {
      status: 404,
      body: { error: { code: "UserError", message: `${kind} ${name} not found` } },
    };
    if (kind === "models") {
      const versions = models.filter((m) => m.name === name);
      if (versions.length === 0) return state.assets.has(`models/${name}`) ? undefined : notFound;
      const ordered = byCreation(url, versions, (m) => state.models.systemData(m.key).createdAt);
      const value = ordered.map((m) =>
        modelVersion(`${url.pathname}/${m.version}`, m.key, m.version),
      );
      return { status: 200, body: page(url, host, value, state.pageSize) };
    }
    const versions = state.assets.get(`data/${name}`) ?? [];
    if (versions.length === 0) return notFound;
    const value = byCreation(url, versions, (v) => v.createdAt).map((v) => ({
      id: `${url.pathname}/${v.version}`,
      name: v.version,
      properties: { tags: v.tags ?? {}, dataUri: v.dataUri, dataType: v.dataType ?? "uri_folder" },
      systemData: { createdAt: v.createdAt, lastModifiedAt: v.createdAt },
    }));
    return { status: 200, body: page(url, host, value, state.pageSize) };
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
  const create = (name: string, job: StandInResource) => {
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
            create(name, body as StandInResource);
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
        const asset =
          req.method === "GET"
            ? (assetList(url, req.headers.host ?? "") ?? labelLookupAnswer(url, state.assets))
            : undefined;
        if (asset) {
          json(res, asset.status, asset.body);
          return;
        }
        const modelRoute = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(url.pathname);
        if (modelRoute) {
          const version = decodeURIComponent(modelRoute[2] ?? "");
          const key = `${decodeURIComponent(modelRoute[1] ?? "")}/${version}`;
          if (req.method === "GET") {
            if (state.models.has(key)) json(res, 200, modelVersion(url.pathname, key, version));
            else json(res, 404, { error: { code: "NotFound", message: `model ${key} not found` } });
          } else if (req.method === "PUT") {
            state.models.set(key, body as StandInResource);
            json(res, 200, { id: url.pathname, ...(body as object) });
          } else json(res, 405, { error: { code: "MethodNotAllowed", message: "" } });
          return;
        }
        if (!name && req.method === "GET" && /\/jobs$/.test(url.pathname)) {
          // The jobs list: jobs having the `tag` key, `jobsPageSize` to a page, continued with $skip.
          const tag = url.searchParams.get("tag");
          const all = [...state.jobs.entries()]
            .filter(([, found]) => tag === null || Object.hasOwn(found.properties.tags ?? {}, tag))
            .map(([jobName]) => job(`${url.pathname}/${jobName}`, jobName));
          json(res, 200, page(url, req.headers.host ?? "", all, state.jobsPageSize));
          return;
        }
        if (!name) {
          json(res, 404, { error: { code: "NotFound", message: "no such route" } });
          return;
        }
        const existing = state.jobs.get(name);
        if (req.method === "GET") {
          if (existing) json(res, 200, job(url.pathname, name));
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
          const created = body as StandInResource;
          create(name, created);
          json(res, 201, {
            id: url.pathname,
            name,
            properties: { ...created.properties, status: "NotStarted" },
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
