import { createHash } from "node:crypto";

import type { CompileAnswer } from "../../scripts/compile/compileFile";
import { isRecord } from "../../shared/guards";

/** What the SDK oracle writes for one pipeline job file. */
export interface OracleRecord {
  accepted: boolean;
  stage?: string;
  error?: string;
  job_body?: { properties: Record<string, unknown> };
  components: { path: string; body: unknown }[];
  environments: { path: string; body: unknown }[];
  codes: { path: string; body: unknown }[];
  label_lookups: string[];
}

/** One side's bodies, normalised: the job and its assets keyed by a path both sides agree on. */
export interface Bodies {
  job: unknown;
  assets: Record<string, unknown>;
}

const GIT_PROPERTY = /^(mlflow\.source\.git\.|azureml\.git\.)/;

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`)
      .join(",")}}`;
  // JSON.stringify gives undefined (typed as string) for undefined and functions.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? "null";
}

function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}

const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), value);

/**
 * Normalises the volatile parts only: code assets are named by their content hash (the SDK picks
 * a random name for a new one), so anonymous components that name a code are keyed by their spec
 * with that code's hash; the job's generated display name and git properties are left out.
 */
export function normalise(
  job: unknown,
  codes: { path: string; body: unknown }[],
  environments: { path: string; body: unknown }[],
  components: { path: string; body: unknown }[],
  keepDisplayName: boolean,
): Bodies {
  const codeIds = new Map<string, string>();
  const assets: Record<string, unknown> = {};
  for (const code of codes) {
    const hash = at(code.body, "properties", "properties", "hash_sha256");
    const key = `codes/sha256:${typeof hash === "string" ? hash : "?"}`;
    codeIds.set(code.path.replace(/^.*?\/codes\//, "codes/"), key);
    const uri = at(code.body, "properties", "codeUri");
    const body = structuredClone(code.body) as { properties: Record<string, unknown> };
    // Where code is uploaded is the service's choice (startPendingUpload; the oracle stands in
    // with azure-ai-ml's LocalUpload/<hash>): compare only what follows it.
    body.properties.codeUri =
      typeof uri === "string"
        ? `<upload>${uri.replace(/^(.*\/LocalUpload\/[0-9a-f]{32}|\{pendingUploadBlobUri\})/, "")}`
        : uri;
    assets[key] = body;
  }
  const renameCodes = (text: string) =>
    text.replace(/codes\/[^/"]+\/versions\/[^/"]+/g, (m) => codeIds.get(m) ?? m);
  // Components that name a code get a key from their spec; nested pipeline components follow.
  const componentIds = new Map<string, string>();
  const rename = (text: string) =>
    renameCodes(text).replace(
      /components\/azureml_anonymous\/versions\/[^/"]+/g,
      (m) => componentIds.get(m) ?? m,
    );
  let pending = components.map((c) => ({
    id: c.path.replace(/^.*?\/components\//, "components/"),
    body: c.body,
  }));
  for (let round = 0; round < 10 && pending.length > 0; round += 1) {
    const next: typeof pending = [];
    for (const c of pending) {
      const text = JSON.stringify(c.body);
      const unresolved = [
        ...text.matchAll(/components\/azureml_anonymous\/versions\/[^/"]+/g),
      ].some(([m]) => pending.some((p) => p.id === m && p !== c) && !componentIds.has(m));
      if (unresolved && round < 9) {
        next.push(c);
        continue;
      }
      const body = mapStrings(c.body, rename);
      const namesCode =
        /codes\/sha256:/.test(JSON.stringify(body)) ||
        /azureml_anonymous\/versions\/spec-/.test(JSON.stringify(body));
      const key = namesCode
        ? `components/azureml_anonymous/versions/spec-${createHash("sha256")
            .update(sortedJson(at(body, "properties", "componentSpec")))
            .digest("hex")
            .slice(0, 16)}`
        : c.id;
      componentIds.set(c.id, key);
      assets[key] = body;
    }
    pending = next;
  }
  for (const env of environments)
    assets[env.path.replace(/^.*?\/environments\//, "environments/")] = mapStrings(env.body, (t) =>
      t
        .replace(/^https:\/\/[^/]+\/[^/]+\/.*?LocalUpload\//, "<datastore>/LocalUpload/")
        .replace(/^\{workspaceblobstore\}\//, "<datastore>/"),
    );
  const body = structuredClone(mapStrings(job, rename)) as { properties: Record<string, unknown> };
  if (!keepDisplayName) delete body.properties.displayName;
  const props = body.properties.properties;
  if (isRecord(props))
    body.properties.properties = Object.fromEntries(
      Object.entries(props).filter(([key]) => !GIT_PROPERTY.test(key)),
    );
  return { job: body, assets };
}

/** The oracle's bodies for a file, normalised. */
export function oracleBodies(record: OracleRecord, keepDisplayName: boolean): Bodies {
  return normalise(
    record.job_body,
    record.codes,
    record.environments,
    record.components,
    keepDisplayName,
  );
}

/** Our bodies for a compiled file, normalised the same way. */
export function ourBodies(answer: Extract<CompileAnswer, { ok: true }>): Bodies {
  const byKind = (kind: string) =>
    answer.assets.flatMap((a) =>
      a.method === "PUT" && a.kind === kind ? [{ path: a.path, body: a.body }] : [],
    );
  const keepDisplayName = at(answer.job.body, "properties", "displayName") !== undefined;
  return normalise(
    answer.job.body,
    byKind("code"),
    byKind("environment"),
    byKind("component"),
    keepDisplayName,
  );
}

// The values compared are parsed JSON, so only an absent key stringifies to undefined.
const shown = (value: unknown): string => (value === undefined ? "absent" : JSON.stringify(value));

/** Every leaf where two values differ, as `path: ours | sdk`. */
export function differences(ours: unknown, sdk: unknown, path = ""): string[] {
  if (isRecord(ours) && isRecord(sdk)) {
    const keys = [...new Set([...Object.keys(ours), ...Object.keys(sdk)])].sort();
    return keys.flatMap((k) => differences(ours[k], sdk[k], path === "" ? k : `${path}.${k}`));
  }
  if (Array.isArray(ours) && Array.isArray(sdk) && ours.length === sdk.length)
    return ours.flatMap((v, i) => differences(v, sdk[i], `${path}[${i}]`));
  return sortedJson(ours) === sortedJson(sdk)
    ? []
    : [`${path}: ours ${shown(ours)} | sdk ${shown(sdk)}`];
}
