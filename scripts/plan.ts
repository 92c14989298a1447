/**
 * `amlwf plan [--json] [--explain] [--workflows <file>] <events.json> ... [--model n:v ...]`: what each event would start, sending nothing.
 * `amlwf plan --backtest --since <time>`: what the workflows would have started from the archived events, beside what did start.
 */
import { resolve } from "node:path";

import type { LabelLookup } from "../shared/aml/labelLookup";
import { parseWorkspaceId, type Workspace } from "../shared/aml/workspace";
import type { AssetManifest } from "../shared/compiled/compiledConfig";
import { placeComponents } from "../shared/compiled/placement";
import { describeOutcome } from "../shared/core/describeOutcome";
import type { EventOutcome } from "../shared/core/outcome";
import { createRuntime, settingsOrThrow } from "../shared/core/runtime";
import type { WorkflowsConfig } from "../shared/workflows/workflow";
import { EXIT, UsageError } from "./cli/runCommand";
import { toolConfig } from "./cli/toolConfig";
import { runEventCommand } from "./events/eventCommand";
import { EVENT_HELP, EVENT_OPTIONS, EVENT_USAGE, eventsFromFlags } from "./events/fromFlags";
import { refuseEventsBeside, runBacktest } from "./plan/backtest";

/** One row of `--json` output: one per (event, workflow), or one for an event that starts nothing. */
interface PlanEntry {
  /** The events file, or the flag that built the event (`--model churn:3`). */
  file: string;
  event: string | null;
  workflow: string | null;
  outcome: "submit" | "ignored" | "rejected";
  jobName: string | null;
  request: unknown;
  reason: string | null;
  skipped: { workflow: string; why: string }[];
  /** What the workflow's pipeline needs in the workspace (`amlwf register`). */
  assets: AssetManifest | null;
  /** On a `submit` entry: the `name@label` references its job would look up when submitted, each with its GET (none sent here). */
  lookups?: LabelLookup[];
  /** On a `submit` entry of a coalescing workflow: the window it would go into; the job runs on the window's latest event. */
  coalesce?: { key: string; windowSeconds: number };
}

function toEntries(file: string, outcome: EventOutcome, config: WorkflowsConfig): PlanEntry[] {
  const none = { file, jobName: null, request: null, reason: null, skipped: [], assets: null };
  const assetsOf = (workflow: string) =>
    config.workflows.find((w) => w.name === workflow)?.pipeline.assets ?? null;
  switch (outcome.kind) {
    case "rejected":
      return [
        {
          ...none,
          event: outcome.eventId,
          workflow: null,
          outcome: "rejected",
          reason: outcome.reason,
        },
      ];
    case "ignored":
      return [
        {
          ...none,
          event: outcome.event.id,
          workflow: null,
          outcome: "ignored",
          reason: outcome.reason,
          skipped: outcome.skipped,
        },
      ];
    case "processed":
      return outcome.workflows.map((w) =>
        // Planning submits nothing, so it holds nothing either.
        w.kind === "rejected" || w.kind === "held"
          ? {
              ...none,
              event: outcome.event.id,
              workflow: w.workflow,
              outcome: "rejected",
              reason: w.kind === "held" ? "held" : w.reason,
              skipped: outcome.skipped,
            }
          : {
              ...none,
              event: outcome.event.id,
              workflow: w.workflow,
              outcome: "submit",
              jobName: w.jobName,
              request: w.request,
              skipped: outcome.skipped,
              assets: assetsOf(w.workflow),
              lookups: w.lookups ?? [],
              ...(w.coalesce === undefined ? {} : { coalesce: w.coalesce }),
            },
      );
  }
}

/** The workspace assets a workflow's pipeline needs, one line each (`amlwf register` makes them exist). */
function assetLines(assets: AssetManifest, workspace: Workspace | undefined): string[] {
  // Anonymous component versions are azure-ai-ml's hash of the spec as sent to this workspace.
  const components =
    workspace === undefined
      ? assets.components
      : placeComponents(assets.components, workspace).components;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    ...assets.codes.map(
      (c) =>
        `code ${c.name} ← ${c.folder} (${c.files} files, ${kb(c.bytes)}, sha256 ${c.sha256.slice(0, 12)}…)`,
    ),
    ...assets.data.map(
      (d) => `data ${d.datastorePath} ← ${d.path} (${d.files} files, ${kb(d.bytes)})`,
    ),
    ...assets.environments.map(
      (e) =>
        `environment ${e.name}:${e.version} (${"image" in e.properties ? `image ${e.properties.image}` : `built from ${e.properties.build.contextUri}`})`,
    ),
    ...components.map((c) => `component ${c.name}:${c.version} ← ${c.from}`),
  ];
}

function details(outcome: EventOutcome, config: WorkflowsConfig): string[] {
  if (outcome.kind !== "processed") return [];
  return outcome.workflows.flatMap((w) => {
    if (w.kind === "rejected" || w.kind === "held") return [];
    const inputs = Object.entries(w.request.body.properties.inputs).map(
      ([name, input]) => `${name}=${String(input.value ?? input.uri)}`,
    );
    const assets = config.workflows.find((c) => c.name === w.workflow)?.pipeline.assets;
    const workspace = parseWorkspaceId(
      new URL(w.request.url).pathname.replace(/\/jobs\/[^/]*$/, ""),
    );
    const needs =
      assets === undefined ? [] : assetLines(assets, workspace.ok ? workspace.value : undefined);
    return [
      `    ${w.request.method} ${w.request.url}`,
      `    inputs: ${inputs.join(", ")}`,
      ...(needs.length === 0
        ? []
        : [`    needs in the workspace (amlwf register):`, ...needs.map((l) => `      ${l}`)]),
    ];
  });
}

runEventCommand("plan", {
  usage: `usage: amlwf plan [--json] [--explain] [--workflows <file>]
         ${EVENT_USAGE}
       amlwf plan --backtest --since <30m|2h|1d|ISO time> [--until <time>] [--workflows <file>] [--json]`,
  description: `Shows what each event would start — the job name, the PUT, its inputs, the label look-ups the
submission makes first (\`azureml:<name>@latest\`, each with its GET) and the workspace assets its pipeline
needs (code, data, environments, components: \`amlwf register\` makes them exist) — sending nothing.
The events are those send-event would send with the same files and flags: each file's, then the built ones
(a built event has a fresh id, so a ModelRegistered event's job name differs from run to run).
  --json            print a JSON array, one entry per (event, workflow), and nothing else on stdout
  --explain         also name each workflow an event does not start, and the first condition that failed
  --workflows FILE  the workflows config (default: WORKFLOWS_FILE, or workflows/workflows.yaml)
${EVENT_HELP}
  --backtest        plan the events the function archived (received in [--since, --until), default until
                    now) instead, and compare per workflow with the jobs that exist (the lineage
                    \`amlwf status\` reads; the dry-run requests on a laptop): would start and did, would
                    start and did not, did start and would no longer — by job name. Takes no event files
                    or flags; a coalescing workflow's events are drawn into windows by when they arrived,
                    each starting its latest event's job; --json prints { since, until, events, workflows:
                    { <name>: { both, wouldOnly, didOnly, superseded, windows? } }, rejected, corrupt }.
                    Exit 0 when it answered (differences
                    and rejections included), 1 when the archive or the jobs could not be read.
Exit: 0 every event planned without a rejection, 1 some event or workflow would be rejected, 2 usage or config error.`,
  options: {
    json: { type: "boolean" },
    explain: { type: "boolean" },
    workflows: { type: "string" },
    backtest: { type: "boolean" },
    since: { type: "string" },
    until: { type: "string" },
    ...EVENT_OPTIONS,
  },
  positionals: true,
  run({ values, positionals }) {
    const { backtest, since, until, json, workflows, explain, ...eventFlags } = values;
    if (backtest === true) {
      refuseEventsBeside(positionals, { explain, ...eventFlags });
      return runBacktest({ since, until, workflows, json });
    }
    if (since !== undefined || until !== undefined)
      throw new UsageError("--since and --until read the archive: they go with --backtest");
    const settings = settingsOrThrow();
    const events = eventsFromFlags(positionals, values, settings.target, settings.eventSources);
    const config = toolConfig(
      values.workflows === undefined ? settings.workflowsFile : resolve(values.workflows),
    );
    const runtime = createRuntime(settings, config);
    const planned = events.map(({ from, event }) => ({ file: from, outcome: runtime.plan(event) }));
    const entries = planned.flatMap(({ file, outcome }) => toEntries(file, outcome, config));
    const rejected = entries.filter((e) => e.outcome === "rejected").length;
    const code = rejected > 0 ? EXIT.failed : EXIT.ok;
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return code;
    }
    const { target } = settings;
    const lines = [
      `workflows: ${config.file} (${config.workflows.length} workflow${config.workflows.length === 1 ? "" : "s"})`,
      `workspace: ${target.workspace.id}${target.kind === "dry-run" ? " (placeholder: set AML_WORKSPACE_ID for your workspace's URLs and ids)" : ""}`,
      "",
      ...planned.flatMap(({ outcome }) => [
        ...describeOutcome(outcome, { explain: values.explain === true }).map(
          (line) => `${line.level === "error" ? "REJECTED " : ""}${line.message}`,
        ),
        ...details(outcome, config),
      ]),
      "",
      `plan: events=${planned.length} jobs=${entries.filter((e) => e.outcome === "submit").length} ignored=${entries.filter((e) => e.outcome === "ignored").length} rejected=${rejected}. Nothing was sent.`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return code;
  },
});
