/** `amlwf status`: what did my event do? The jobs it started, its rejections and dead letters, and what coalescing did with it. */
import { DefaultAzureCredential } from "@azure/identity";

import { blobServiceFor, blobServiceLocation } from "../shared/rejections/blobRejectionStore";
import { parseModelArgument } from "./approve/modelArgument";
import { type ModelRef, modelText, type ModelVersions } from "./approve/modelVersions";
import { servedWorkspaces } from "./approve/servedWorkspace";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { explainStorageError } from "./cli/storageReachable";
import { toolRuntime } from "./cli/toolConfig";
import { createArmClient } from "./register/armClient";
import { deadLetterItems } from "./replay/sources";
import { coalesceSources } from "./status/coalesceStatus";
import {
  collectStatus,
  dryRunJobs,
  type JobStatus,
  type StatusFilter,
  workspaceJobs,
} from "./status/collectStatus";
import { modelSection } from "./status/modelSection";
import { statusLines, summaryLine } from "./status/statusText";

runCommand({
  usage:
    "usage: amlwf status [--event <id>] [--model <name>[:<version>]] [--workflow <name>] [--since <time>] [--json]",
  description: `What events started, read from the workspace itself: every job carrying this project's lineage
tags (the jobs list, all pages), with its status, creation time and Azure ML studio link; plus the
recorded rejections and Event Grid dead letters for the same events; the events a coalescing
window superseded, each with the event and job that ran instead; and the coalescing windows still
holding events (with the one their job will run on). With no AML_WORKSPACE_ID it reads the dry-run
requests instead, so it works on a laptop after amlwf start.
  --event ID        one event
  --model N[:V]     one model, or every version of it; with a version, also its approval (the
                    approved tags amlwf approve writes) and the workflows on ModelTagsChanged
                    that have not started for it, each with the first condition it still fails
  --workflow NAME   one workflow
  --since TIME      only what happened at or after TIME (ISO 8601); a superseded event's time is
                    its window's close, a held event's when it was received
  --json            the report as JSON
Exit: 0 answered (also when nothing matches, or the version does not exist, which it says), 1 a
source could not be read (the local Azurite among them, when amlwf start is not running; the
version's tags), 2 usage.`,
  options: {
    event: { type: "string" },
    model: { type: "string" },
    workflow: { type: "string" },
    since: { type: "string" },
    json: { type: "boolean" },
  },
  async run({ values }) {
    const filter: StatusFilter = {};
    if (values.event !== undefined) filter.eventId = values.event;
    if (values.model !== undefined) filter.model = parseModelArgument(values.model);
    if (values.workflow !== undefined) filter.workflow = values.workflow;
    if (values.since !== undefined) {
      filter.since = Date.parse(values.since);
      if (Number.isNaN(filter.since))
        throw new UsageError(`--since "${values.since}" is not a date or time`);
    }
    const runtime = toolRuntime();
    const { settings } = runtime;
    const credential = new DefaultAzureCredential();
    const target = settings.target;
    const arm = createArmClient(settings.armEndpoint, credential);
    // Every workspace this deployment serves, one after the other.
    const served = target.kind === "azure" ? [target.workspace, ...target.others] : [];
    async function* allJobs() {
      for (const workspace of served) yield* workspaceJobs(arm, settings.armEndpoint, workspace);
    }
    const version = filter.model?.version;
    const model: ModelRef | undefined =
      filter.model === undefined || version === undefined
        ? undefined
        : { name: filter.model.name, version };
    // The workflows that started a job for the version, among every job looked at (whatever the
    // other filters keep): those are not waiting.
    const started = new Set<string>();
    async function* noting(jobs: AsyncIterable<JobStatus>) {
      for await (const job of jobs) {
        if (model !== undefined && job.model === modelText(model) && job.workflow !== undefined)
          started.add(job.workflow);
        yield job;
      }
    }
    const jobs = target.kind === "azure" ? allJobs() : dryRunJobs(target.dir);
    const store = settings.rejectionStore;
    // Dead letters and what coalescing did live in the host's Blob Storage; a folder store has neither.
    const storage =
      store.kind === "folder"
        ? undefined
        : { service: blobServiceFor(store, credential), location: blobServiceLocation(store) };
    const report = await collectStatus(filter, {
      jobs: noting(jobs),
      jobsFrom:
        target.kind === "azure"
          ? `workspace${served.length > 1 ? "s" : ""} ${served.map((w) => w.name).join(", ")}`
          : `dry-run folder ${target.dir}`,
      rejections: runtime.rejections,
      deadLetters: storage && deadLetterItems(storage.service),
      coalescing: storage && coalesceSources(() => storage.service, storage.location),
    }).catch((error: unknown) => {
      throw explainStorageError(error);
    });
    const places: ModelVersions[] = servedWorkspaces(target).map((workspace) =>
      target.kind === "azure"
        ? { kind: "azure", arm, workspace }
        : { kind: "dry-run", dir: target.dir, armEndpoint: settings.armEndpoint, workspace },
    );
    const read =
      model === undefined
        ? undefined
        : await modelSection(
            places,
            model,
            runtime.config.workflows.filter(
              (w) => filter.workflow === undefined || w.name === filter.workflow,
            ),
            {
              started,
              rejected: new Set(report.rejections.flatMap((r) => r.workflow ?? [])),
            },
          );
    // The version's tags could not be read (not a missing version): a source failed, exit 1.
    const exit = read?.refused === true ? EXIT.failed : EXIT.ok;
    if (values.json === true) {
      const answer = read === undefined ? report : { ...report, model: read.section };
      process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      return exit;
    }
    const lines = statusLines(report, read?.section, Date.now());
    const summary = summaryLine(report, {
      rejections: runtime.rejections.location,
      storage: storage !== undefined,
      waiting: read?.section.waiting.length ?? 0,
    });
    process.stdout.write(`${[...lines, summary].join("\n")}\n`);
    return exit;
  },
});
