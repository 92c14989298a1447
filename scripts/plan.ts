/** `npm run plan -- [--json] [--workflows <file>] <events.json>`: what each event would start, sending nothing. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import { ConfigError } from "../shared/config/configError";
import { type EventPlan, planEvent } from "../shared/core/planEvent";
import { loadSettings } from "../shared/settings";
import { loadWorkflows } from "../shared/workflows/loadWorkflows";

const USAGE = "usage: npm run plan -- [--json] [--workflows <file>] <events.json>";

/** One row of `--json` output. */
interface PlanEntry {
  event: string | null;
  workflow: string | null;
  outcome: "submit" | "ignored" | "rejected";
  jobName: string | null;
  request: unknown;
  reason: string | null;
}

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function toEntries(plan: EventPlan): PlanEntry[] {
  const none = { jobName: null, request: null, reason: null };
  switch (plan.kind) {
    case "rejected":
      return [
        { ...none, event: plan.eventId, workflow: null, outcome: "rejected", reason: plan.reason },
      ];
    case "ignored":
      return [
        { ...none, event: plan.event.id, workflow: null, outcome: "ignored", reason: plan.reason },
      ];
    case "matched":
      return plan.workflows.map((w) =>
        w.kind === "submit"
          ? {
              event: plan.event.id,
              workflow: w.workflow,
              outcome: "submit",
              jobName: w.jobName,
              request: w.request,
              reason: null,
            }
          : {
              ...none,
              event: plan.event.id,
              workflow: w.workflow,
              outcome: "rejected",
              reason: w.reason,
            },
      );
  }
}

function describe(plan: EventPlan): string[] {
  if (plan.kind === "rejected")
    return [`event ${plan.eventId ?? "<no id>"}: REJECTED — ${plan.reason}`];
  const header = `event ${plan.event.id} (${plan.event.type}${plan.event.subject ? `, ${plan.event.subject}` : ""})`;
  if (plan.kind === "ignored") return [`${header}: ignored — ${plan.reason}`];
  return [
    header,
    ...plan.workflows.flatMap((w) => {
      if (w.kind === "rejected") return [`  ${w.workflow}: REJECTED — ${w.reason}`];
      const inputs = Object.entries(w.request.body.properties.inputs).map(
        ([name, input]) => `${name}=${String(input.value ?? input.uri)}`,
      );
      return [
        `  ${w.workflow}: submit job ${w.jobName}`,
        `    ${w.request.method} ${w.request.url}`,
        `    inputs: ${inputs.join(", ")}`,
      ];
    }),
  ];
}

function main(): void {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        workflows: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (args.values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [eventsFile, ...extra] = args.positionals;
  if (eventsFile === undefined || extra.length > 0) fail(USAGE, 2);

  const settings = loadSettings();
  if (!settings.ok) fail(`Invalid settings:\n${settings.errors.map((e) => `  ${e}`).join("\n")}`);
  const workflowsFile =
    args.values.workflows === undefined
      ? settings.value.workflowsFile
      : resolve(args.values.workflows);
  const config = loadWorkflows(workflowsFile);
  if (!config.ok)
    fail(config.error instanceof ConfigError ? config.error.message : String(config.error));

  let events: unknown;
  try {
    events = JSON.parse(readFileSync(eventsFile, "utf8"));
  } catch (error) {
    fail(`cannot read events from ${eventsFile}: ${(error as Error).message}`);
  }
  const context = {
    config: config.value,
    workspace: settings.value.effectiveWorkspace,
    armEndpoint: settings.value.armEndpoint,
  };
  const plans = (Array.isArray(events) ? events : [events]).map((event) =>
    planEvent(event, context),
  );

  if (args.values.json === true) {
    process.stdout.write(`${JSON.stringify(plans.flatMap(toEntries), null, 2)}\n`);
    return;
  }
  const workspaceNote = settings.value.workspace
    ? ""
    : " (placeholder: set AML_WORKSPACE_ID for your workspace's URLs and ids)";
  const entries = plans.flatMap(toEntries);
  const count = (outcome: PlanEntry["outcome"]) =>
    entries.filter((e) => e.outcome === outcome).length;
  const lines = [
    `workflows: ${config.value.file} (${config.value.workflows.length} workflow${config.value.workflows.length === 1 ? "" : "s"})`,
    `workspace: ${settings.value.effectiveWorkspace.id}${workspaceNote}`,
    "",
    ...plans.flatMap(describe),
    "",
    `${plans.length} event${plans.length === 1 ? "" : "s"}: ${count("submit")} job(s) to submit, ${count("ignored")} ignored, ${count("rejected")} rejected. Nothing was sent.`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main();
