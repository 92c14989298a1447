import { createHash } from "node:crypto";

import { WATCHED_EVENT_TYPES } from "../constants";
import type { Glob } from "../workflows/glob";
import type { WorkflowsConfig } from "../workflows/workflow";

/** Which assets of one kind the watcher reads: none, every one, or those the globs name. */
export type AssetTargets =
  | { kind: "none" }
  | { kind: "all" }
  | {
      kind: "some";
      globs: Glob[];
      /** Names no glob metacharacter touches: read directly, without listing the workspace. */
      literal: boolean;
    };

/** What the watcher reads for a config: only what some workflow could match. */
export interface WatchTargets {
  models: AssetTargets;
  data: AssetTargets;
  /** Whether lineage jobs are read (a workflow follows a cancellation, or reports onto models). */
  jobs: boolean;
  /** A hash of the above: when it changes, names new to the watcher are recorded, not announced. */
  key: string;
}

const GLOB_SYNTAX = /[*?[\]{}()!+@\\]/;

function assetTargets(globs: (Glob | undefined)[]): AssetTargets {
  if (globs.length === 0) return { kind: "none" };
  const named = globs.filter((g): g is Glob => g !== undefined);
  if (named.length < globs.length || named.some((g) => g.pattern === "*")) return { kind: "all" };
  return { kind: "some", globs: named, literal: named.every((g) => !GLOB_SYNTAX.test(g.pattern)) };
}

const listens = (on: readonly string[], type: string) =>
  on.some((t) => t.toLowerCase() === type.toLowerCase());

/** The watcher's targets for these workflows. */
export function watchTargets(config: WorkflowsConfig): WatchTargets {
  const { workflows } = config;
  const models = assetTargets(
    workflows
      .filter((w) => listens(w.on, WATCHED_EVENT_TYPES.modelTagsChanged))
      .map((w) => w.when.model),
  );
  const data = assetTargets(
    workflows
      .filter((w) => listens(w.on, WATCHED_EVENT_TYPES.dataVersionCreated))
      .map((w) => w.when.data),
  );
  const jobs = workflows.some(
    (w) => listens(w.on, WATCHED_EVENT_TYPES.runCanceled) || w.report === "model-tags",
  );
  const describe = (t: AssetTargets) =>
    t.kind === "some" ? t.globs.map((g) => g.pattern).sort() : t.kind;
  const key = createHash("sha256")
    .update(JSON.stringify([describe(models), describe(data), jobs]))
    .digest("hex")
    .slice(0, 16);
  return { models, data, jobs, key };
}

/** Whether the targets read anything at all. */
export function watchesAnything(targets: WatchTargets): boolean {
  return targets.models.kind !== "none" || targets.data.kind !== "none" || targets.jobs;
}
