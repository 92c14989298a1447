/** `amlwf status`: what did my event do? The jobs it started, and its rejections and dead letters. */
import { DefaultAzureCredential } from "@azure/identity";

import { blobServiceFor } from "../shared/rejections/blobRejectionStore";
import { approvalText } from "./approve/approvalTags";
import { parseModelArgument } from "./approve/modelArgument";
import { type ModelRef, modelText, type ModelVersions } from "./approve/modelVersions";
import { servedWorkspaces } from "./approve/servedWorkspace";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { explainStorageError } from "./cli/storageReachable";
import { toolRuntime } from "./cli/toolConfig";
import { createArmClient } from "./register/armClient";
import { deadLetterItems } from "./replay/sources";
import {
  collectStatus,
  dryRunJobs,
  type EventRecord,
  type JobStatus,
  type StatusFilter,
  workspaceJobs,
} from "./status/collectStatus";
import { type ModelSection, modelSection } from "./status/modelSection";

const jobLine = (j: JobStatus) =>
  `${j.status.padEnd(10)} ${j.job} — workflow ${j.workflow ?? "?"}, event ${j.eventId ?? "?"}${j.model ? ` (model ${j.model})` : ""}${j.created ? `, created ${j.created}` : ""}${j.link ? `\n           ${j.link}` : ""}`;
const recordLine = (what: string, r: EventRecord) =>
  `${what.padEnd(10)} event ${r.eventId ?? "<no id>"}${r.workflow ? ` for workflow ${r.workflow}` : ""}${r.model ? ` (model ${r.model})` : ""} at ${r.time}: ${r.reason}\n           ${r.where}`;

/** The jobs' lines with the approval's among them, where its time falls: validate, approval, promote. */
function jobAndApprovalLines(jobs: JobStatus[], model: ModelSection | undefined): string[] {
  const lines = jobs.map(jobLine);
  if (model === undefined) return lines;
  if (model.tags === null) return [...lines, `${"model".padEnd(10)} ${model.unread ?? ""}`];
  const { approval } = model;
  const line = `${"approval".padEnd(10)} ${approval === undefined ? `no approval recorded for ${modelText(model)}` : approvalText(approval)}`;
  const at = approval?.at === undefined ? Number.NaN : Date.parse(approval.at);
  const after = Number.isNaN(at)
    ? -1
    : jobs.findIndex((j) => j.created !== undefined && Date.parse(j.created) > at);
  lines.splice(after < 0 ? lines.length : after, 0, line);
  return lines;
}

runCommand({
  usage:
    "usage: amlwf status [--event <id>] [--model <name>[:<version>]] [--workflow <name>] [--since <time>] [--json]",
  description: `What events started, read from the workspace itself: every job carrying this project's lineage
tags (the jobs list, all pages), with its status, creation time and Azure ML studio link; plus the
recorded rejections and Event Grid dead letters for the same events. With no AML_WORKSPACE_ID it
reads the dry-run requests instead, so it works on a laptop after amlwf start.
  --event ID        one event
  --model N[:V]     one model, or every version of it; with a version, also its approval (the
                    approved tags amlwf approve writes) and the workflows on ModelTagsChanged
                    that have not started for it, each with the first condition it still fails
  --workflow NAME   one workflow
  --since TIME      only what happened at or after TIME (ISO 8601)
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
    const report = await collectStatus(filter, {
      jobs: noting(jobs),
      jobsFrom:
        target.kind === "azure"
          ? `workspace${served.length > 1 ? "s" : ""} ${served.map((w) => w.name).join(", ")}`
          : `dry-run folder ${target.dir}`,
      rejections: runtime.rejections,
      deadLetters:
        store.kind === "folder" ? undefined : deadLetterItems(blobServiceFor(store, credential)),
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
    const say = (line: string) => process.stdout.write(`${line}\n`);
    for (const line of jobAndApprovalLines(report.jobs, read?.section)) say(line);
    for (const w of read?.section.waiting ?? [])
      say(`${"waiting".padEnd(10)} ${w.workflow} — ${w.why}`);
    for (const r of report.rejections) say(recordLine("rejected", r));
    for (const r of report.deadLetters) say(recordLine("dead", r));
    const looked = `looked at ${report.looked.jobs} job(s) in ${report.jobsFrom}, ${report.looked.rejections} rejection(s) in ${runtime.rejections.location}${store.kind === "folder" ? " (no dead letters: they live in Blob Storage)" : `, ${report.looked.deadLetters} dead-lettered event(s)`}${report.looked.unreadable > 0 ? `; ${report.looked.unreadable} entr(ies) could not be read` : ""}`;
    const waiting = read?.section.waiting.length ?? 0;
    const found =
      report.jobs.length + report.rejections.length + report.deadLetters.length + waiting;
    say(
      found === 0
        ? `status: nothing matches — ${looked}`
        : `status: jobs=${report.jobs.length} rejections=${report.rejections.length} deadletters=${report.deadLetters.length}${waiting > 0 ? ` waiting=${waiting}` : ""} — ${looked}`,
    );
    return exit;
  },
});
