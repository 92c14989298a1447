import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type OutcomeRecord, outcomeRecordLine } from "../../shared/core/outcomeRecords";
import { AZURE_VARIABLES } from "./azureEnv";
import { runScript } from "./runScript";

/** A project of the user's own: a folder with a package.json, where `.local/` lives. */
export function newProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "logs-project-"));
  writeFileSync(join(dir, "package.json"), "{}\n");
  return dir;
}

// Every way DefaultAzureCredential could find someone's identity, cleared for each run.
const NO_IDENTITY = Object.fromEntries(
  [...AZURE_VARIABLES, "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "LOGS_QUERY_ENDPOINT"].map(
    (name) => [name, undefined],
  ),
);

/** Runs the compiled command in `cwd`, as `npx amlwf logs` runs it there. */
export function runLogs(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runScript("logs.ts", args, { ...NO_IDENTITY, ...env }, cwd);
}

/** A ModelRegistered event's outcome record line. */
export const record = (fields: Partial<OutcomeRecord> & Pick<OutcomeRecord, "event" | "outcome">) =>
  outcomeRecordLine({ eventType: "Microsoft.MachineLearningServices.ModelRegistered", ...fields });
