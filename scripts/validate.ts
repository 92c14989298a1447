/** `amlwf validate [<workflows.yaml | pipeline.yml | folder> ...]`: every problem, in one pass. */
import { dirname, parse, relative, resolve } from "node:path";

import { type ConfigIssue, formatIssue, formatWarning } from "../shared/compile/config/configError";
import { AssetCollector } from "../shared/compile/pipeline/components";
import { loadPipeline } from "../shared/compile/pipeline/loadPipeline";
import { loadWorkflows } from "../shared/compile/workflows/loadWorkflows";
import { settingsOrThrow } from "../shared/core/runtime";
import { configFilesIn } from "./cli/configFiles";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";

interface Checked {
  file: string;
  kind: "workflows" | "pipeline";
  ok: boolean;
  /** For a workflows config: the workflows it defines. */
  workflows: string[];
  problems: ConfigIssue[];
  /** Accepted but worth a look, e.g. an input a pipeline component does not declare (left out). */
  warnings: ConfigIssue[];
}

function check(file: string, kind: "workflows" | "pipeline", root: string): Checked {
  const shown = relative(process.cwd(), file) || file;
  if (kind === "pipeline") {
    const loaded = loadPipeline(file, shown, new AssetCollector(root));
    return {
      file: shown,
      kind,
      ok: loaded.ok,
      workflows: [],
      problems: loaded.ok ? [] : loaded.issues,
      warnings: loaded.warnings ?? [],
    };
  }
  const loaded = loadWorkflows(file);
  return loaded.ok
    ? {
        file: shown,
        kind,
        ok: true,
        workflows: loaded.value.workflows.map((w) => w.name),
        problems: [],
        warnings: loaded.warnings,
      }
    : {
        file: shown,
        kind,
        ok: false,
        workflows: [],
        problems: loaded.error.issues,
        warnings: loaded.warnings,
      };
}

runCommand({
  usage: "usage: amlwf validate [--json] [<workflows.yaml | pipeline.yml | folder> ...]",
  description: `Checks workflows configs (with every pipeline they name) and Azure ML CLI v2 pipeline job files, as
the function does at start-up, and lists every problem at once, each with file:line:col. A folder is
searched for both. Run it in your own CI.
  (no argument)  the workflows config in WORKFLOWS_FILE, or workflows/workflows.yaml
  --json         print [{ file, kind, ok, workflows, problems, warnings }], each problem and warning
                 { file, line, column, path, message }
Warnings (an input a pipeline component does not declare, left out as az ml leaves it out) are
printed but accepted.
Exit: 0 all accepted, 1 some problem found (with --json too), 2 usage error.`,
  options: { json: { type: "boolean" } },
  positionals: true,
  run({ values, positionals }) {
    const targets =
      positionals.length > 0
        ? // A pipeline checked on its own may use files anywhere, as `az ml job create -f` allows;
          // a workflows config bounds them by its own folder (what is deployed) in any case.
          configFilesIn(positionals.map((p) => resolve(p))).map((t) => ({
            ...t,
            root: parse(t.file).root,
          }))
        : [
            {
              file: settingsOrThrow().workflowsFile,
              kind: "workflows" as const,
              root: dirname(settingsOrThrow().workflowsFile),
            },
          ];
    if (targets.length === 0)
      throw new UsageError(`no workflows config or pipeline job file in ${positionals.join(", ")}`);
    // A file named on purpose is checked even when it does not look like either kind.
    const results = targets.map(({ file, kind, root }) =>
      check(file, kind === "pipeline" ? "pipeline" : "workflows", root),
    );
    const problems = results.reduce((n, r) => n + r.problems.length, 0);
    const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
    const accepted = results.filter((r) => r.ok).length;
    if (values.json === true) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else {
      for (const result of results) {
        for (const warning of result.warnings) process.stdout.write(`${formatWarning(warning)}\n`);
        if (!result.ok)
          for (const issue of result.problems) process.stdout.write(`${formatIssue(issue)}\n`);
        else if (result.kind === "workflows")
          process.stdout.write(
            `${result.file}: valid (${result.workflows.length} workflow${result.workflows.length === 1 ? "" : "s"}: ${result.workflows.join(", ")})\n`,
          );
        else process.stdout.write(`${result.file}: valid pipeline job\n`);
      }
      process.stdout.write(
        `validate: files=${results.length} accepted=${accepted} refused=${results.length - accepted} problems=${problems}${warnings > 0 ? ` warnings=${warnings}` : ""}\n`,
      );
    }
    // The same code with --json: a CI step that reads the JSON must still go red.
    return accepted < results.length || problems > 0 ? EXIT.failed : EXIT.ok;
  },
});
