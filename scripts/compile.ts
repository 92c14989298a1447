/** `amlwf compile [--json] [--workspace <ARM id>] <pipeline.yml> ...`: what would be sent for each pipeline job file. */
import { parseWorkspaceId } from "../shared/aml/workspace";
import { formatIssue, formatWarning } from "../shared/compile/config/configError";
import { settingsOrThrow } from "../shared/core/runtime";
import { configFilesIn } from "./cli/configFiles";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { type CompileAnswer, compileFile } from "./compile/compileFile";

function describe(answer: CompileAnswer): string {
  if (!answer.ok)
    return `${answer.problems.map(formatIssue).join("\n")}\n${answer.file}: refused (${answer.problems.length} problem${answer.problems.length === 1 ? "" : "s"})`;
  const lines = [
    ...answer.warnings.map(formatWarning),
    `${answer.file}: accepted`,
    `  ${answer.job.method} ${answer.job.url}`,
    ...JSON.stringify(answer.job.body, null, 2)
      .split("\n")
      .map((line) => `    ${line}`),
  ];
  if (answer.openInputs.length > 0)
    lines.push(
      `  open inputs (the workflow fills them per event): ${answer.openInputs.join(", ")}`,
    );
  for (const label of answer.labels)
    lines.push(
      `  looked up at submit time: ${label.asset} ${label.name}@${label.label} (at ${label.at.join(".")})`,
    );
  for (const asset of answer.assets)
    if (asset.method === "upload") lines.push(`  register uploads ${asset.from} to ${asset.to}`);
    else
      lines.push(
        `  register ${asset.method} ${asset.path}?api-version=${asset.apiVersion}`,
        ...JSON.stringify(asset.body, null, 2)
          .split("\n")
          .map((line) => `    ${line}`),
      );
  return lines.join("\n");
}

runCommand({
  usage: "usage: amlwf compile [--json] [--workspace <ARM id>] <pipeline.yml | folder> ...",
  description: `Shows, for each Azure ML CLI v2 pipeline job file, what this project would send: the job body as
it is PUT (placed in the workspace; inputs a workflow fills per event shown as open; references by
label listed, as they are looked up at submit time) and every asset request \`register\` makes for
it (code, environments, anonymous components, local data). The equivalent of reading
\`az ml job create --debug\`, without Azure: diff it, or check it in your CI.
  --workspace ID  the workspace the ids are placed in (default: AML_WORKSPACE_ID, or a placeholder)
  --json          print [{ file, ok, job, openInputs, labels, assets } | { file, ok: false, problems }]
Exit: 0 every file accepted, 1 some file refused, 2 usage error.`,
  options: { json: { type: "boolean" }, workspace: { type: "string" } },
  positionals: true,
  run({ values, positionals }) {
    if (positionals.length === 0) throw new UsageError("name at least one pipeline job file");
    const settings = settingsOrThrow();
    let workspace = settings.target.workspace;
    if (values.workspace !== undefined) {
      const parsed = parseWorkspaceId(values.workspace);
      if (!parsed.ok) throw new UsageError(`--workspace: ${parsed.errors.join("; ")}`);
      workspace = parsed.value;
    }
    const files = configFilesIn(positionals).filter(
      (f) => f.kind === "pipeline" || positionals.includes(f.file),
    );
    if (files.length === 0)
      throw new UsageError(`no pipeline job file in ${positionals.join(", ")}`);
    const answers = files.map((f) => compileFile(f.file, workspace, settings.armEndpoint));
    if (values.json === true) process.stdout.write(`${JSON.stringify(answers, null, 2)}\n`);
    else {
      for (const answer of answers) process.stdout.write(`${describe(answer)}\n\n`);
      const accepted = answers.filter((a) => a.ok).length;
      process.stdout.write(
        `compile: files=${answers.length} accepted=${accepted} refused=${answers.length - accepted}\n`,
      );
    }
    return answers.every((a) => a.ok) ? EXIT.ok : EXIT.failed;
  },
});
