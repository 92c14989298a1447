/** `amlwf approve`: record a reviewer's decision on a model version, as tags the watcher turns into ModelTagsChanged. */
import { userInfo } from "node:os";
import { isAbsolute, relative } from "node:path";

import { dryRunModelFile } from "../shared/aml/dryRunModels";
import { lazyDefaultAzureCredential } from "../shared/aml/lazyCredential";
import { settingsOrThrow } from "../shared/core/runtime";
import { APPROVAL_TAGS } from "./approve/approvalTags";
import { type Approved, approveModel } from "./approve/approveModel";
import { callerNotingCredential } from "./approve/caller";
import { parseModelVersionArgument } from "./approve/modelArgument";
import { modelText, type ModelVersions } from "./approve/modelVersions";
import { pickWorkspace, servedWorkspaces } from "./approve/servedWorkspace";
import { watchPeriod } from "./approve/watchPeriod";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { createArmClient } from "./register/armClient";

const UNKNOWN_CALLER = "unknown";

/** Who runs this on a laptop: the OS user, marked local (no Entra identity vouches for it). */
function localUser(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): the shell's idea of the user.
    name = process.env.USER ?? process.env.USERNAME;
  }
  return `${name || UNKNOWN_CALLER} (local)`;
}

/** A path as the user would type it: relative when under the current folder. */
function shownPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === "" || shown.startsWith("..") || isAbsolute(shown) ? path : shown;
}

function report(done: Approved, where: string, dryRun: boolean): string[] {
  const { decision, model } = done;
  const lines = [
    `approve: ${modelText(model)} ${decision.approved ? "approved" : "rejected"} by ${decision.by} at ${decision.at} — ${where}`,
    ...Object.values(APPROVAL_TAGS).flatMap((key) => {
      const value = done.tags[key];
      if (value !== undefined) return [`  ${key}=${JSON.stringify(value)}`];
      return done.removed.includes(key) ? [`  ${key} removed (an earlier decision's)`] : [];
    }),
  ];
  if (done.created)
    lines.push(
      `the dry run had no record of ${modelText(model)} (no report and no earlier approve wrote it): it now holds only the approval's tags`,
    );
  lines.push(
    `${dryRun ? "under `amlwf start`, " : ""}the watcher emits ModelTagsChanged for it on its next run (${watchPeriod()}); \`amlwf status --model ${modelText(model)}\` shows what it starts`,
  );
  return lines;
}

runCommand({
  usage:
    "usage: amlwf approve --model <name>:<version> [--reject] [--note <text>] [--workspace <ARM id|name>] [--json]",
  description: `Records a decision on a model version as its tags: approved=true (or false with --reject),
approved.by (you: your Entra sign-in name, or an application's id, from your ARM token; in a dry
run your OS user, marked local), approved.at (now) and approved.note (the note; an earlier note is
removed when none is given). Every other tag stays. The watcher sees the change on its next run and
emits ModelTagsChanged, which starts the workflows whose when.tags now hold (e.g. approved: true).
With AML_WORKSPACE_ID it reads the version over ARM and writes it back with your identity
(DefaultAzureCredential), which needs AzureML Data Scientist on the workspace; with none, it writes
the dry run's model versions.
  --model N:V         the model version
  --reject            record a rejection (approved=false)
  --note TEXT         why, kept as approved.note
  --workspace ID      one of the served workspaces (AML_WORKSPACE_ID, AML_WORKSPACES), by ARM id or name; default AML_WORKSPACE_ID
  --json              what was written, as JSON
Exit: 0 recorded, 1 the workspace has no such version or refused, 2 usage.`,
  options: {
    model: { type: "string" },
    reject: { type: "boolean" },
    note: { type: "string" },
    workspace: { type: "string" },
    json: { type: "boolean" },
  },
  async run({ values }) {
    if (values.model === undefined) throw new UsageError("--model <name>:<version> is required");
    const model = parseModelVersionArgument(values.model);
    if (values.note?.trim() === "")
      throw new UsageError("--note is empty; leave it out to record no note");
    const settings = settingsOrThrow();
    const { target } = settings;
    const workspace = pickWorkspace(target, values.workspace);
    let place: ModelVersions;
    let caller: () => string | undefined;
    if (target.kind === "azure") {
      const noting = callerNotingCredential(lazyDefaultAzureCredential());
      place = {
        kind: "azure",
        arm: createArmClient(settings.armEndpoint, noting.credential),
        workspace,
      };
      caller = noting.caller;
    } else {
      place = { kind: "dry-run", dir: target.dir, armEndpoint: settings.armEndpoint, workspace };
      caller = localUser;
    }
    const done = await approveModel(place, model, () => {
      const by = caller();
      if (by === undefined)
        process.stderr.write(
          `approve: your ARM token names no one (no upn, unique_name, preferred_username, appid, azp or oid claim): approved.by is "${UNKNOWN_CALLER}"\n`,
        );
      return {
        approved: values.reject !== true,
        by: by ?? UNKNOWN_CALLER,
        at: new Date().toISOString(),
        ...(values.note === undefined ? {} : { note: values.note }),
      };
    });
    if (done.kind === "missing") {
      const others = servedWorkspaces(target).filter((w) => w.id !== workspace.id);
      process.stderr.write(
        `no model ${modelText(model)} in workspace ${workspace.name} (${workspace.id})${others.length > 0 ? `; --workspace picks another served one: ${others.map((w) => w.name).join(", ")}` : ""}\n`,
      );
      return EXIT.failed;
    }
    const file = place.kind === "dry-run" ? dryRunModelFile(place.dir, model) : undefined;
    if (values.json === true) {
      const { decision } = done;
      process.stdout.write(
        `${JSON.stringify(
          {
            model: { name: model.name, version: model.version },
            workspace: workspace.id,
            dryRun: file !== undefined,
            ...(file === undefined ? {} : { file }),
            approved: decision.approved,
            by: decision.by,
            at: decision.at,
            ...(decision.note === undefined ? {} : { note: decision.note }),
            created: done.created,
            removed: done.removed,
            tags: done.tags,
            watcher: watchPeriod(),
          },
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    const where =
      file === undefined ? `workspace ${workspace.name}` : `dry run, ${shownPath(file)}`;
    process.stdout.write(`${report(done, where, file !== undefined).join("\n")}\n`);
    return EXIT.ok;
  },
});
