import { existsSync } from "node:fs";
import { join } from "node:path";

import { REPO_ROOT } from "./samples";

/**
 * The Azure reference material (the jobs API swagger extract, documented events) kept beside the
 * repository by the project's maintainers. A user's clone does not have it; CI does, and sets
 * CONTRACT_SUITE=required so a missing folder fails instead of skipping.
 */
export const REFERENCE_DIR = join(REPO_ROOT, "..", "shared", "reference");

const SWAGGER_FILE = join(REFERENCE_DIR, "aml-jobs-2025-12-01", "jobs-swagger-extract.json");

/** Whether the contract suite can run here; throws when it is required and cannot. */
export function referenceAvailable(): boolean {
  const available = existsSync(SWAGGER_FILE);
  if (!available && process.env.CONTRACT_SUITE === "required")
    throw new Error(
      `CONTRACT_SUITE=required but ${SWAGGER_FILE} is missing: the swagger contract suite cannot run`,
    );
  if (!available)
    process.stdout.write(
      `contract suite SKIPPED: no Azure reference material at ${REFERENCE_DIR} (it is not part of the repository)\n`,
    );
  return available;
}

/**
 * The SDK oracle (azure-ai-ml's own code with the network stubbed) kept beside the repository, as
 * the reference material is: the fidelity suite compares our bodies with what it records.
 */
export const SDK_ORACLE = join(REPO_ROOT, "..", "shared", "tools", "aml-sdk-oracle", "sdk-bodies");

/** Whether the fidelity suite can run here; throws when it is required (CI) and cannot. */
export function sdkOracleAvailable(): boolean {
  const available = existsSync(SDK_ORACLE);
  if (!available && process.env.CONTRACT_SUITE === "required")
    throw new Error(
      `CONTRACT_SUITE=required but ${SDK_ORACLE} is missing: the fidelity suite cannot run`,
    );
  if (!available)
    process.stdout.write(
      `fidelity suite SKIPPED: no SDK oracle at ${SDK_ORACLE} (it is not part of the repository)\n`,
    );
  return available;
}
