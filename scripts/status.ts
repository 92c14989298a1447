/** `amlwf status`: what did my event do? The jobs it started, and its rejections and dead letters. */
import { DefaultAzureCredential } from "@azure/identity";

import { blobServiceFor } from "../shared/rejections/blobRejectionStore";
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

function parseModel(text: string): { name: string; version?: string } {
  const at = text.lastIndexOf(":");
  if (at === 0 || text === "")
    throw new UsageError(`--model "${text}" must be <name> or <name>:<version>`);
  return at < 0 ? { name: text } : { name: text.slice(0, at), version: text.slice(at + 1) };
}

const jobLine = (j: JobStatus) =>
  `${j.status.padEnd(10)} ${j.job} — workflow ${j.workflow ?? "?"}, event ${j.eventId ?? "?"}${j.model ? ` (model ${j.model})` : ""}${j.created ? `, created ${j.created}` : ""}${j.link ? `\n           ${j.link}` : ""}`;
const recordLine = (what: string, r: EventRecord) =>
  `${what.padEnd(10)} event ${r.eventId ?? "<no id>"}${r.workflow ? ` for workflow ${r.workflow}` : ""}${r.model ? ` (model ${r.model})` : ""} at ${r.time}: ${r.reason}\n           ${r.where}`;

runCommand({
  usage:
    "usage: amlwf status [--event <id>] [--model <name>[:<version>]] [--workflow <name>] [--since <time>] [--json]",
  description: `What events started, read from the workspace itself: every job carrying this project's lineage
tags (the jobs list, all pages), with its status, creation time and Azure ML studio link; plus the
recorded rejections and Event Grid dead letters for the same events. With no AML_WORKSPACE_ID it
reads the dry-run requests instead, so it works on a laptop after amlwf start.
  --event ID        one event
  --model N[:V]     one model, or every version of it
  --workflow NAME   one workflow
  --since TIME      only what happened at or after TIME (ISO 8601)
  --json            the report as JSON
Exit: 0 answered (also when nothing matches, which it says), 1 a source could not be read (the local
Azurite among them, when amlwf start is not running), 2 usage.`,
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
    if (values.model !== undefined) filter.model = parseModel(values.model);
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
    const jobs = target.kind === "azure" ? allJobs() : dryRunJobs(target.dir);
    const store = settings.rejectionStore;
    const report = await collectStatus(filter, {
      jobs,
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
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT.ok;
    }
    const say = (line: string) => process.stdout.write(`${line}\n`);
    for (const job of report.jobs) say(jobLine(job));
    for (const r of report.rejections) say(recordLine("rejected", r));
    for (const r of report.deadLetters) say(recordLine("dead", r));
    const looked = `looked at ${report.looked.jobs} job(s) in ${report.jobsFrom}, ${report.looked.rejections} rejection(s) in ${runtime.rejections.location}${store.kind === "folder" ? " (no dead letters: they live in Blob Storage)" : `, ${report.looked.deadLetters} dead-lettered event(s)`}${report.looked.unreadable > 0 ? `; ${report.looked.unreadable} entr(ies) could not be read` : ""}`;
    const found = report.jobs.length + report.rejections.length + report.deadLetters.length;
    say(
      found === 0
        ? `status: nothing matches — ${looked}`
        : `status: jobs=${report.jobs.length} rejections=${report.rejections.length} deadletters=${report.deadLetters.length} — ${looked}`,
    );
    return EXIT.ok;
  },
});
