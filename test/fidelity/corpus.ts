/**
 * `npx tsx test/fidelity/corpus.ts <oracle-out> <pipeline.yml>...`: compiles each file, compares it
 * with what the SDK oracle recorded for it, and prints the figures (a development tool: the corpus
 * is Azure/azureml-examples, which is not part of this repository).
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

import { compileFile } from "../../scripts/compile/compileFile";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import {
  compareWithOracle,
  declaresDisplayName,
  ORACLE_WORKSPACE,
  readOracleRecord,
} from "./compareWithOracle";

export { ORACLE_WORKSPACE } from "./compareWithOracle";

const [outDir = "", ...files] = process.argv.slice(2);
const workspace = parseWorkspaceId(ORACLE_WORKSPACE);
if (!workspace.ok) throw new Error("oracle workspace");
let ours = 0;
let sdk = 0;
let both = 0;
let same = 0;
const report: string[] = [];
for (const file of files) {
  const abs = resolve(file);
  const record = readOracleRecord(outDir, abs);
  const answer = compileFile(abs, workspace.value, "https://management.azure.com");
  if (answer.ok) ours += 1;
  if (record.accepted) sdk += 1;
  const diff = compareWithOracle(answer, record, declaresDisplayName(abs), workspace.value);
  if (!answer.ok || !record.accepted) {
    report.push(
      `## ${file}: ours ${answer.ok ? "accepted" : "refused"}, sdk ${record.accepted ? "accepted" : `refused at ${record.stage ?? "?"}`}`,
    );
    if (!answer.ok) report.push(...answer.problems.map((p) => `  ours: ${p.message}`));
    if (!record.accepted)
      report.push(`  sdk: ${(record.error ?? "").replace(/\s+/g, " ").slice(0, 300)}`);
    continue;
  }
  both += 1;
  if (diff.length === 0) same += 1;
  else
    report.push(
      `## ${file}: ${diff.length} difference(s)`,
      ...diff.map((d) => `  ${d.slice(0, 400)}`),
    );
}
const reportFile = process.env.FIDELITY_REPORT ?? "fidelity-report.txt";
writeFileSync(reportFile, `${report.join("\n")}\n`);
process.stdout.write(
  `fidelity: files=${files.length} ours=${ours} sdk=${sdk} both=${both} same=${same} (${both === 0 ? 0 : Math.round((1000 * same) / both) / 10}%) report=${reportFile}\n`,
);
