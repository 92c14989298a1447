import { AML_JOBS_API_VERSION } from "../constants";
import type { Workspace } from "./workspace";

/** The outcome a workflow's job gets written onto the model version that started the chain. */
export interface ModelReport {
  workflow: string;
  /** The workspace the job ran in, which holds the model version. */
  workspace: Workspace;
  model: { name: string; version: string };
  tags: Record<string, string>;
}

/** What writing a report came to; transient failures are thrown as TransientError instead. */
export type ReportResult =
  { kind: "tagged" } | { kind: "unchanged" } | { kind: "rejected"; reason: string };

/** Writes job outcomes onto model versions: over ARM, or into the dry-run folder. */
export interface ModelTagger {
  tag(report: ModelReport, deadline: number): Promise<ReportResult>;
}

/** URL of `models/{name}/versions/{version}` in a workspace. */
export function modelVersionUrl(
  armEndpoint: string,
  workspace: Workspace,
  model: { name: string; version: string },
): string {
  return `${armEndpoint.replace(/\/+$/, "")}${workspace.id}/models/${encodeURIComponent(model.name)}/versions/${encodeURIComponent(model.version)}?api-version=${AML_JOBS_API_VERSION}`;
}

/** The model version's tags with the report's merged in, or undefined when they are there already. */
export function mergedTags(
  existing: Record<string, unknown>,
  report: Record<string, string>,
): Record<string, unknown> | undefined {
  const changed = Object.entries(report).some(([key, value]) => existing[key] !== value);
  return changed ? { ...existing, ...report } : undefined;
}
