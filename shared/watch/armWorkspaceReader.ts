import type { TokenCredential } from "@azure/core-auth";

import { type ArmPacing, pacerFor } from "../aml/armPacers";
import { boundedJsonRequest, createArmPipeline } from "../aml/armPipeline";
import { backoffMs, isRetryableStatus, requestedDelayMs } from "../aml/retryDelay";
import type { Workspace } from "../aml/workspace";
import { AML_JOBS_API_VERSION, LINEAGE_TAGS } from "../constants";
import { errorMessage, TransientError } from "../errors";
import { isRecord } from "../guards";
import { redactSecrets } from "../redact";
import type { AssetVersion, WatchedJob, WorkspaceReader } from "./workspaceReader";

/** Under ARM's read refill of 25/s per principal (AZURE-FACTS §7), with room for the function's own reads. */
const DEFAULT_READS_PER_SECOND = 20;
const READ_BURST = 5;
// Without a deadline, one read still may not hang the run.
const READ_TIMEOUT_MS = 30_000;

/** A failure to read: the call, where, and what ARM said (redacted, clipped). */
function refusal(call: string, workspace: Workspace, status: number, body: string): Error {
  const role =
    status === 403
      ? " (the identity needs AzureML Data Scientist or a reader role on the workspace)"
      : "";
  return new Error(
    `${call} in workspace ${workspace.name} answered ${status}${role}: ${redactSecrets(body.slice(0, 300))}`,
  );
}

/**
 * Spaces reads to `perSecond` after a small burst (a generic cell rate: each read reserves its slot
 * at once, so concurrent reads queue without a lock). Throws a TransientError when the slot falls
 * after `latestStart`.
 */
function readPacing(perSecond: number): (latestStart: number) => Promise<void> {
  if (!(perSecond > 0)) throw new Error("readsPerSecond must be positive");
  const interval = 1000 / perSecond;
  const tolerance = (Math.max(1, Math.min(READ_BURST, Math.floor(perSecond))) - 1) * interval;
  let theoretical = 0;
  return async (latestStart) => {
    const now = Date.now();
    const at = Math.max(now, theoretical - tolerance);
    if (at > latestStart)
      throw new TransientError(
        `workspace reads are paced to ${perSecond}/s: the next read would start past the run's deadline`,
      );
    theoretical = Math.max(theoretical, now) + interval;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function tagsOf(properties: Record<string, unknown>): Record<string, string> {
  const tags = isRecord(properties.tags) ? properties.tags : {};
  return Object.fromEntries(
    Object.entries(tags).map(([key, value]) => [key, text(value) ?? JSON.stringify(value)]),
  );
}

function createdAtOf(item: Record<string, unknown>): string | undefined {
  return isRecord(item.systemData) ? text(item.systemData.createdAt) : undefined;
}

function versionOf(name: string, item: unknown): AssetVersion | undefined {
  if (!isRecord(item) || typeof item.name !== "string") return undefined;
  const properties = isRecord(item.properties) ? item.properties : {};
  return {
    name,
    version: item.name,
    createdAt: createdAtOf(item) ?? "",
    tags: tagsOf(properties),
    uri: text(properties.dataUri),
    type: text(properties.dataType),
  };
}

function jobOf(item: unknown): WatchedJob | undefined {
  if (!isRecord(item) || typeof item.name !== "string") return undefined;
  const properties = isRecord(item.properties) ? item.properties : {};
  return {
    name: item.name,
    status: text(properties.status) ?? "Unknown",
    // The jobs API puts a job without one in the experiment "Default".
    experiment: text(properties.experimentName) ?? "Default",
    tags: tagsOf(properties),
    createdAt: createdAtOf(item),
  };
}

/**
 * Reads a workspace's models, data assets and lineage jobs over ARM (api-version
 * AML_JOBS_API_VERSION). Every read takes the pacer's read turn (a 429 holds the process) and a
 * slot of this reader's own pace; a `nextLink` is followed only on the ARM endpoint's origin.
 */
export function createArmWorkspaceReader(options: {
  credential: TokenCredential;
  scope: string;
  armEndpoint: string;
  pacer: ArmPacing;
  readsPerSecond?: number;
  /** Epoch ms by which every read must have ended (the run's budget). */
  deadline?: number;
}): WorkspaceReader {
  const { pipeline, httpClient } = createArmPipeline(options.credential, options.scope);
  const base = options.armEndpoint.replace(/\/+$/, "");
  const origin = new URL(base).origin;
  const pace = readPacing(options.readsPerSecond ?? DEFAULT_READS_PER_SECOND);
  let reads = 0;

  // One GET: the parsed body, or "missing" for a 404 where `gone` allows it; anything else but 200 throws.
  const get = async (
    url: string,
    call: string,
    workspace: Workspace,
    gone: boolean,
  ): Promise<Record<string, unknown> | "missing"> => {
    const deadline = options.deadline ?? Date.now() + READ_TIMEOUT_MS;
    await pace(deadline);
    const pacer = pacerFor(options.pacer, url);
    await pacer.turn("read", deadline);
    reads += 1;
    let response;
    try {
      response = await pipeline.sendRequest(
        httpClient,
        boundedJsonRequest("GET", url, undefined, deadline),
      );
    } catch (error) {
      const message = `${call} in workspace ${workspace.name} failed: ${errorMessage(error)}`;
      throw new TransientError(message, { cause: error });
    }
    const body = response.bodyAsText ?? "";
    if (response.status === 429) pacer.hold(requestedDelayMs(response) ?? backoffMs(1));
    if (isRetryableStatus(response.status))
      throw new TransientError(
        `${call} in workspace ${workspace.name} answered ${response.status}: ${body.slice(0, 300)}`,
      );
    if (response.status === 404 && gone) return "missing";
    if (response.status !== 200) throw refusal(call, workspace, response.status, body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed)) throw refusal(call, workspace, 200, `not JSON: ${body}`);
    return parsed;
  };

  // Reads a list page by page, until `enough` of it or `maxPages` pages; undefined when it is gone
  // (a 404, where `gone` allows it).
  const list = async (
    first: string,
    call: string,
    workspace: Workspace,
    limits: { enough?: number; maxPages?: number; gone?: boolean } = {},
  ): Promise<unknown[] | undefined> => {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let url = first;
    for (let pages = 0; pages < (limits.maxPages ?? Infinity); pages += 1) {
      seen.add(url);
      const body = await get(url, call, workspace, limits.gone ?? false);
      if (body === "missing") return undefined;
      if (!Array.isArray(body.value))
        throw refusal(call, workspace, 200, `no value list: ${JSON.stringify(body)}`);
      items.push(...(body.value as unknown[]));
      if (items.length >= (limits.enough ?? Infinity)) break;
      const next = text(body.nextLink);
      if (next === undefined) break;
      // The bearer token goes with every request: a nextLink elsewhere must not get it.
      let nextOrigin: string;
      try {
        nextOrigin = new URL(next).origin;
      } catch {
        nextOrigin = "an unreadable address";
      }
      if (nextOrigin !== origin)
        throw new Error(
          `${call} in workspace ${workspace.name}: ARM's nextLink points to ${nextOrigin}, not ${origin}; not followed`,
        );
      if (seen.has(next))
        throw new Error(`${call} in workspace ${workspace.name}: ARM's nextLink repeats a page`);
      url = next;
    }
    return items;
  };

  const root = (workspace: Workspace, path: string, query = "") =>
    `${base}${workspace.id}/${path}?api-version=${AML_JOBS_API_VERSION}${query}`;

  const names = async (workspace: Workspace, kind: "models" | "data") => {
    const call = kind === "models" ? "listing the models" : "listing the data assets";
    const items = (await list(root(workspace, kind), call, workspace)) ?? [];
    return items.flatMap((item) =>
      isRecord(item) && typeof item.name === "string" ? [item.name] : [],
    );
  };

  const versions = async (
    workspace: Workspace,
    kind: "models" | "data",
    name: string,
    top: number,
  ): Promise<AssetVersion[]> => {
    if (top < 1) return [];
    const url = root(
      workspace,
      `${kind}/${encodeURIComponent(name)}/versions`,
      `&$orderBy=createdtime%20desc&$top=${Math.floor(top)}`,
    );
    const call = `listing the versions of ${kind === "models" ? "model" : "data asset"} ${name}`;
    const items = await list(url, call, workspace, { enough: top, gone: true });
    return (items ?? []).flatMap((item) => versionOf(name, item) ?? []).slice(0, top);
  };

  return {
    get reads() {
      return reads;
    },
    modelNames: (workspace) => names(workspace, "models"),
    modelVersions: (workspace, name, top) => versions(workspace, "models", name, top),
    dataNames: (workspace) => names(workspace, "data"),
    dataVersions: (workspace, name, top) => versions(workspace, "data", name, top),
    async lineageJobs(workspace, maxPages) {
      const url = root(
        workspace,
        "jobs",
        `&tag=${encodeURIComponent(LINEAGE_TAGS.eventKey)}&listViewType=All`,
      );
      const items = (await list(url, "listing the lineage jobs", workspace, { maxPages })) ?? [];
      return items.flatMap((item) => jobOf(item) ?? []);
    },
    async job(workspace, name) {
      const url = root(workspace, `jobs/${encodeURIComponent(name)}`);
      const body = await get(url, `reading job ${name}`, workspace, true);
      return body === "missing" ? undefined : jobOf(body);
    },
  };
}
