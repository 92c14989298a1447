import { execFileSync } from "node:child_process";
import { join } from "node:path";

import type { FunctionPackage } from "../../scripts/packaging/buildPackage";

/**
 * Builds the deployment package (`npm run package`, compiled) for the stack's workflows file, in a
 * folder of the stack's own (`build/stacks/<stack>/`), so stacks with different configs in one
 * checkout never overwrite each other's package; says where it is and its hash.
 */
export function buildPackageNow(
  appRoot: string,
  workflowsFile: string,
  stack: string,
): FunctionPackage {
  const out = execFileSync(
    process.execPath,
    [
      join(appRoot, "dist", "scripts", "package.js"),
      "--json",
      "--workflows",
      workflowsFile,
      "--out",
      join(appRoot, "build", "stacks", stack),
    ],
    { cwd: appRoot, encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as FunctionPackage;
}
