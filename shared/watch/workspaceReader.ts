import type { Workspace } from "../aml/workspace";

/** One version of a model or data asset, as the watcher needs it. */
export interface AssetVersion {
  name: string;
  version: string;
  /** `systemData.createdAt` (ISO 8601, the workspace's clock). */
  createdAt: string;
  tags: Record<string, string>;
  /** For data versions: `properties.dataUri` and `properties.dataType` (uri_file, uri_folder, mltable). */
  uri?: string;
  type?: string;
}

/** One job this project started (it carries the lineage tags), as the jobs list shows it. */
export interface WatchedJob {
  name: string;
  /** `properties.status` as the jobs API writes it: Running, Completed, Canceled, … */
  status: string;
  experiment: string;
  tags: Record<string, string>;
  createdAt?: string;
}

/**
 * The workspace's list operations the watcher reads. Every call takes one or more ARM reads (each
 * page one), counted in `reads`; a transient failure (throttling, 5xx, network) throws a
 * TransientError, a refusal (401/403/other 4xx) an Error naming the call and the status.
 */
export interface WorkspaceReader {
  /** ARM reads made so far through this reader. */
  readonly reads: number;
  /** Every model container's name (`GET {ws}/models`, every page). */
  modelNames(workspace: Workspace): Promise<string[]>;
  /** The newest `top` versions of one model, newest first (`$orderBy=createdtime desc&$top=`, pages followed until `top`); `[]` when the model is gone. */
  modelVersions(workspace: Workspace, name: string, top: number): Promise<AssetVersion[]>;
  /** Every data asset's name (`GET {ws}/data`, every page). */
  dataNames(workspace: Workspace): Promise<string[]>;
  /** The newest `top` versions of one data asset, newest first; `[]` when it is gone. */
  dataVersions(workspace: Workspace, name: string, top: number): Promise<AssetVersion[]>;
  /** Jobs carrying the lineage tag `trigger.eventKey` (`tag=` filter), at most `maxPages` pages. */
  lineageJobs(workspace: Workspace, maxPages: number): Promise<WatchedJob[]>;
  /** One job by name (`GET {ws}/jobs/{name}`); undefined when it no longer exists. */
  job(workspace: Workspace, name: string): Promise<WatchedJob | undefined>;
}
