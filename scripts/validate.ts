/** `npm run validate -- [<workflows.yaml> ...]`: every problem in the workflows config and the pipelines it names, in one pass. */
import { resolve } from "node:path";

import { formatIssue } from "../shared/config/configError";
import { settingsOrThrow } from "../shared/core/runtime";
import { loadWorkflows } from "../shared/workflows/loadWorkflows";
import { EXIT, runCommand } from "./cli/runCommand";

runCommand({
  usage: "usage: npm run validate -- [--json] [<workflows.yaml> ...]",
  description: `Checks the workflows config and every pipeline it names, as the function does at start-up,
and lists every problem at once, each with file:line:col. Run it in your own CI.
  <workflows.yaml>  the configs to check (default: WORKFLOWS_FILE, or workflows/workflows.yaml)
  --json            print [{ file, ok, workflows, problems: [{ file, line, column, path, message }] }]
Exit: 0 valid, 1 some problem found, 2 usage error.`,
  options: { json: { type: "boolean" } },
  positionals: true,
  run({ values, positionals }) {
    const files =
      positionals.length > 0
        ? positionals.map((f) => resolve(f))
        : [settingsOrThrow().workflowsFile];
    const results = files.map((file) => {
      const loaded = loadWorkflows(file);
      return loaded.ok
        ? {
            file: loaded.value.file,
            ok: true,
            workflows: loaded.value.workflows.map((w) => w.name),
            problems: [],
          }
        : { file, ok: false, workflows: [], problems: loaded.error.issues };
    });
    const problems = results.reduce((n, r) => n + r.problems.length, 0);
    if (values.json === true) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else {
      for (const result of results) {
        if (result.ok)
          process.stdout.write(
            `${result.file}: valid (${result.workflows.length} workflow${result.workflows.length === 1 ? "" : "s"}: ${result.workflows.join(", ")})\n`,
          );
        else for (const issue of result.problems) process.stdout.write(`${formatIssue(issue)}\n`);
      }
      process.stdout.write(
        `validate: files=${results.length} valid=${results.filter((r) => r.ok).length} problems=${problems}\n`,
      );
    }
    return problems > 0 ? EXIT.failed : EXIT.ok;
  },
});
