import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

import type { Workspace } from "../../shared/aml/workspace";
import { AML_JOBS_API_VERSION, LINEAGE_TAGS } from "../../shared/constants";
import { normalizeEvent } from "../../shared/events/normalizeEvent";
import { isRecord } from "../../shared/guards";
import type { RejectionStore } from "../../shared/rejections/rejectionStore";
import type { ArmClient } from "../register/armClient";
import type { ReplayItem } from "../replay/sources";
import {
  type CoalesceSources,
  collectCoalescing,
  type SupersededStatus,
  type WindowStatus,
} from "./coalesceStatus";
import { matchesFilter, type StatusFilter } from "./statusFilter";

export type { StatusFilter } from "./statusFilter";

/** One job an event started. */
export interface JobStatus {
  job: string;
  status: string;
  workflow?: string;
  eventId?: string;
  model?: string;
  experiment?: string;
  created?: string;
  /** Azure ML studio, for a workspace job. */
  link?: string;
}

/** One recorded rejection or dead letter for a matching event. */
export interface EventRecord {
  eventId: string | null;
  workflow: string | null;
  model?: string;
  reason: string;
  time: string;
  where: string;
}

/** What `amlwf status` found, and how much it looked at. */
export interface StatusReport {
  jobs: JobStatus[];
  rejections: EventRecord[];
  deadLetters: EventRecord[];
  /** Events a coalescing window took whose job ran on a later one. */
  superseded: SupersededStatus[];
  /** Coalescing windows not closed yet that hold a matching event. */
  windows: WindowStatus[];
  looked: {
    jobs: number;
    rejections: number;
    deadLetters: number;
    superseded: number;
    windows: number;
    unreadable: number;
  };
  jobsFrom: string;
}

function jobFrom(value: unknown, workspace: Workspace | undefined): JobStatus | undefined {
  if (!isRecord(value) || typeof value.name !== "string" || !isRecord(value.properties))
    return undefined;
  const properties = value.properties;
  const tags = isRecord(properties.tags) ? properties.tags : {};
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const created = isRecord(value.systemData) ? text(value.systemData.createdAt) : undefined;
  return {
    job: value.name,
    status: text(properties.status) ?? "Unknown",
    workflow: text(tags[LINEAGE_TAGS.workflow]),
    eventId: text(tags[LINEAGE_TAGS.eventId]),
    model: text(tags[LINEAGE_TAGS.model]),
    experiment: text(properties.experimentName),
    created,
    link:
      workspace === undefined
        ? undefined
        : `https://ml.azure.com/runs/${encodeURIComponent(value.name)}?wsid=${encodeURIComponent(workspace.id)}`,
  };
}

/**
 * The workspace's jobs that carry this project's lineage (the list operation's `tag` filter keeps
 * jobs having that tag key; values are compared here), every page followed.
 */
export async function* workspaceJobs(
  arm: ArmClient,
  endpoint: string,
  workspace: Workspace,
): AsyncIterable<JobStatus> {
  let url: string | undefined =
    `${endpoint}${workspace.id}/jobs?api-version=${AML_JOBS_API_VERSION}&tag=${encodeURIComponent(LINEAGE_TAGS.eventKey)}&listViewType=All`;
  while (url !== undefined) {
    const answer = await arm.getUrl(url);
    if (answer.status !== 200 || !isRecord(answer.body) || !Array.isArray(answer.body.value))
      throw new Error(
        `listing the jobs of ${workspace.name} answered ${answer.status}${answer.status === 403 ? ": your identity needs a reader role (AzureML Data Scientist) on the workspace" : ""}`,
      );
    for (const item of answer.body.value) {
      const job = jobFrom(item, workspace);
      if (job) yield job;
    }
    url = typeof answer.body.nextLink === "string" ? answer.body.nextLink : undefined;
  }
}

/** The jobs the local loop "submitted": the requests in the dry-run folder. */
export async function* dryRunJobs(dir: string): AsyncIterable<JobStatus> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  } catch {
    return;
  }
  for (const file of files) {
    const path = join(dir, file);
    let request: unknown;
    try {
      request = JSON.parse(await readFile(path, "utf8"));
    } catch {
      continue;
    }
    const job = jobFrom(
      {
        name: file.replace(/\.json$/, ""),
        properties:
          isRecord(request) && isRecord(request.body) ? request.body.properties : undefined,
        systemData: { createdAt: (await stat(path)).mtime.toISOString() },
      },
      undefined,
    );
    if (job) yield { ...job, status: "dry run (not submitted)" };
  }
}

function modelOf(event: unknown): { id: string | null; model?: string } {
  const normalized = normalizeEvent(event);
  if (!normalized.ok)
    return { id: isRecord(event) && typeof event.id === "string" ? event.id : null };
  const { model } = normalized.value;
  return { id: normalized.value.id, model: model ? `${model.name}:${model.version}` : undefined };
}

/** Jobs, rejections, dead letters and what coalescing did, for the events the filter names. */
export async function collectStatus(
  filter: StatusFilter,
  sources: {
    jobs: AsyncIterable<JobStatus>;
    jobsFrom: string;
    rejections: RejectionStore;
    deadLetters?: AsyncIterable<ReplayItem>;
    /** The host storage's coalescing records; none without storage. */
    coalescing?: CoalesceSources;
  },
): Promise<StatusReport> {
  const report: StatusReport = {
    jobs: [],
    rejections: [],
    deadLetters: [],
    superseded: [],
    windows: [],
    looked: { jobs: 0, rejections: 0, deadLetters: 0, superseded: 0, windows: 0, unreadable: 0 },
    jobsFrom: sources.jobsFrom,
  };
  for await (const job of sources.jobs) {
    report.looked.jobs += 1;
    if (matchesFilter(filter, { ...job, time: job.created })) report.jobs.push(job);
  }
  for await (const entry of sources.rejections.list()) {
    report.looked.rejections += 1;
    if ("corrupt" in entry) {
      report.looked.unreadable += 1;
      continue;
    }
    const { rejection } = entry;
    const { model } = modelOf(rejection.event);
    const found = { ...rejection, model, where: `${sources.rejections.location}/${entry.name}` };
    if (matchesFilter(filter, found)) report.rejections.push(found);
  }
  for await (const item of sources.deadLetters ?? []) {
    if (item.corrupt !== undefined) {
      report.looked.unreadable += 1;
      continue;
    }
    for (const event of item.events) {
      report.looked.deadLetters += 1;
      const { id, model } = modelOf(event);
      const found = {
        eventId: id,
        workflow: null,
        model,
        reason: item.reason ?? "dead-lettered",
        time: item.time,
        where: item.label,
      };
      // A dead letter belongs to no one workflow: the workflow filter does not exclude it.
      if (matchesFilter({ ...filter, workflow: undefined }, found)) report.deadLetters.push(found);
    }
  }
  if (sources.coalescing !== undefined) {
    const coalesced = await collectCoalescing(filter, sources.coalescing);
    report.superseded = coalesced.superseded;
    report.windows = coalesced.windows;
    report.looked.superseded = coalesced.looked.superseded;
    report.looked.windows = coalesced.looked.windows;
    report.looked.unreadable += coalesced.looked.unreadable;
  }
  report.jobs.sort((a, b) => (a.created ?? "").localeCompare(b.created ?? ""));
  return report;
}
