import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";

import { findProjectRoot } from "../../scripts/cli/projectRoot";
import type { FunctionPackage } from "../../scripts/packaging/buildPackage";

/**
 * Builds the deployment package (`amlwf package`, compiled) for the stack's workflows file, in the
 * project that holds that file, in a folder of the stack's own (`build/stacks/<stack>/`), so stacks
 * with different configs in one checkout never overwrite each other's package; says where it is
 * and its hash.
 */
export function buildPackageNow(
  toolRoot: string,
  workflowsFile: string,
  stack: string,
): FunctionPackage {
  const projectRoot = findProjectRoot(dirname(workflowsFile));
  const out = execFileSync(
    process.execPath,
    [
      join(toolRoot, "dist", "scripts", "package.js"),
      "--json",
      "--workflows",
      workflowsFile,
      "--out",
      join(projectRoot, "build", "stacks", stack),
    ],
    { cwd: projectRoot, encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as FunctionPackage;
}
