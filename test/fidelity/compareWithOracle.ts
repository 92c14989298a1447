import { readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

import type { CompileAnswer } from "../../scripts/compile/compileFile";
import type { PipelineJobBody } from "../../shared/aml/jobRequest";
import { planLabelLookups, withLabelsResolved } from "../../shared/aml/labelLookup";
import type { Workspace } from "../../shared/aml/workspace";
import { isRecord } from "../../shared/guards";
import { differences, oracleBodies, type OracleRecord, ourBodies } from "./sdkBodies";

/** The workspace the SDK oracle places every job in. */
export const ORACLE_WORKSPACE =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/oracle-rg/providers/Microsoft.MachineLearningServices/workspaces/oracle-ws";

/** The oracle's record of `file` (an absolute path) in `outDir`, named as its sdk_side.py names it. */
export function readOracleRecord(outDir: string, file: string): OracleRecord {
  const name = file.replace(/^\//, "").replace(/[^A-Za-z0-9._-]+/g, "__");
  return JSON.parse(readFileSync(join(outDir, `${name}.json`), "utf8")) as OracleRecord;
}

/** Whether a pipeline job file names its own display name (else the SDK makes one up). */
export function declaresDisplayName(file: string): boolean {
  const doc = parse(readFileSync(file, "utf8")) as unknown;
  return isRecord(doc) && doc.display_name !== undefined;
}

/** The version the oracle's workspace answers for every `@label` look-up. */
export const ORACLE_LABEL_VERSION = "1";

type Compiled = Extract<CompileAnswer, { ok: true }>;

/**
 * Our answer as submitted in the oracle's workspace: its label references looked up the way the
 * function looks them up per job, each answered with the version the oracle answers.
 */
function submittedInOracle(
  answer: Compiled,
  workspace: Workspace,
): { ok: true; value: Compiled } | { ok: false; errors: string[] } {
  const body = answer.job.body as PipelineJobBody;
  const planned = planLabelLookups(
    answer.labels,
    body,
    workspace,
    new URL(answer.job.url.replace("{job}", "job")).origin,
    new Set(),
  );
  if (!planned.ok) return planned;
  const answered = planned.value.map((lookup) => ({ ...lookup, version: ORACLE_LABEL_VERSION }));
  return {
    ok: true,
    value: { ...answer, job: { ...answer.job, body: withLabelsResolved(body, answered) } },
  };
}

const oneLine = (text: string, max: number) => text.replace(/\s+/g, " ").slice(0, max);

/** The path of a difference `differences` listed (`<path>: ours … | sdk …`). */
export function pathOf(difference: string): string {
  const end = difference.indexOf(": ours ");
  return end < 0 ? difference : difference.slice(0, end);
}

/**
 * Every difference between our answer for a file and the oracle's record of it: `accepted` when
 * only one side accepts the file; else the label look-ups, and the job body (labels answered as
 * the oracle answers them) and the asset bodies.
 */
export function compareWithOracle(
  answer: CompileAnswer,
  record: OracleRecord,
  displayNameDeclared: boolean,
  workspace: Workspace,
): string[] {
  if (answer.ok !== record.accepted) {
    const ours = answer.ok
      ? "accepted"
      : `refused: ${oneLine(answer.problems.map((p) => p.message).join("; "), 300)}`;
    const sdk = record.accepted
      ? "accepted"
      : `refused at ${record.stage ?? "?"}: ${oneLine(record.error ?? "", 300)}`;
    return [`accepted: ours ${JSON.stringify(ours)} | sdk ${JSON.stringify(sdk)}`];
  }
  if (!answer.ok) return [];
  const lookups = (names: string[]) => [...new Set(names)].sort();
  const labels = differences(
    lookups(answer.labels.map((l) => `${l.asset}/${l.name}`)),
    lookups(record.label_lookups),
    "labels",
  );
  const submitted = submittedInOracle(answer, workspace);
  if (!submitted.ok)
    return [
      `labels: ours ${JSON.stringify(`refused: ${oneLine(submitted.errors.join("; "), 300)}`)} | sdk ${JSON.stringify(record.label_lookups)}`,
    ];
  const mine = ourBodies(submitted.value);
  const theirs = oracleBodies(
    record,
    displayNameDeclared ||
      (isRecord(mine.job) &&
        isRecord(mine.job.properties) &&
        mine.job.properties.displayName !== undefined),
  );
  return [
    ...differences(mine.job, theirs.job, "job"),
    ...differences(mine.assets, theirs.assets, "assets"),
    ...labels,
  ];
}
