import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { isRecord } from "../guards";
import type { AssetVersion } from "../watch/workspaceReader";
import { modelVersionUrl } from "./modelTagger";
import type { Workspace } from "./workspace";

/**
 * The dry run's stand-in for a workspace's model versions: `<dir>/model-tags/<name>-<version>.json`
 * holds the PUT that would be sent (`{ method, url, body: { properties: { tags } } }`) plus when the
 * version was first written (`createdAt`). Reports, `approve` and the watcher share it.
 */
const FOLDER = "model-tags";

const safe = (text: string) => text.replace(/[^\w.-]/g, "_");

/** The file that holds one dry-run model version. */
export function dryRunModelFile(dir: string, model: { name: string; version: string }): string {
  return join(dir, FOLDER, `${safe(model.name)}-${safe(model.version)}.json`);
}

interface Stored {
  name: string;
  version: string;
  createdAt: string;
  tags: Record<string, string>;
}

function parseStored(text: string): Stored | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.url !== "string" || !isRecord(value.body)) return undefined;
  const at = /\/models\/([^/?]+)\/versions\/([^/?]+)/.exec(value.url);
  if (!at?.[1] || !at[2]) return undefined;
  const properties = isRecord(value.body.properties) ? value.body.properties : {};
  const tags = isRecord(properties.tags) ? properties.tags : {};
  return {
    name: decodeURIComponent(at[1]),
    version: decodeURIComponent(at[2]),
    createdAt: typeof value.createdAt === "string" ? value.createdAt : new Date(0).toISOString(),
    tags: Object.fromEntries(
      Object.entries(tags).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  };
}

/** One dry-run model version, or undefined when nothing was written for it. */
export async function readDryRunModel(
  dir: string,
  model: { name: string; version: string },
): Promise<AssetVersion | undefined> {
  try {
    return parseStored(await readFile(dryRunModelFile(dir, model), "utf8"));
  } catch {
    return undefined;
  }
}

/** Writes a dry-run model version's tags (the whole set), keeping when it was first written. */
export async function writeDryRunModel(
  dir: string,
  armEndpoint: string,
  workspace: Workspace,
  model: { name: string; version: string },
  tags: Record<string, string>,
): Promise<void> {
  const existing = await readDryRunModel(dir, model);
  const file = dryRunModelFile(dir, model);
  await mkdir(join(dir, FOLDER), { recursive: true });
  const request = {
    method: "PUT",
    url: modelVersionUrl(armEndpoint, workspace, model),
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    body: { properties: { tags } },
  };
  // Written whole then renamed: the watcher never reads half a file.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(request, null, 2)}\n`);
  await rename(partial, file);
}

/**
 * Records a version the dry run saw registered (a ModelRegistered event), as the workspace would
 * hold it: its tags as registered, under any written since (a report, an approval).
 */
export async function registerDryRunModel(
  dir: string,
  armEndpoint: string,
  workspace: Workspace,
  model: { name: string; version: string; tags: Record<string, string> },
): Promise<void> {
  const existing = await readDryRunModel(dir, model);
  const tags = { ...model.tags, ...existing?.tags };
  if (existing && JSON.stringify(tags) === JSON.stringify(existing.tags)) return;
  await writeDryRunModel(dir, armEndpoint, workspace, model, tags);
}

/** Every dry-run model version, in file name order. */
export async function listDryRunModels(dir: string): Promise<AssetVersion[]> {
  let files: string[];
  try {
    files = (await readdir(join(dir, FOLDER))).filter((f) => f.endsWith(".json")).sort();
  } catch {
    return [];
  }
  const found: AssetVersion[] = [];
  for (const file of files) {
    try {
      const stored = parseStored(await readFile(join(dir, FOLDER, file), "utf8"));
      if (stored) found.push(stored);
    } catch {
      // removed between the listing and the read
    }
  }
  return found;
}
