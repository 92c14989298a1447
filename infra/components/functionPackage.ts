import { execFileSync } from "node:child_process";
import { join } from "node:path";

import type { FunctionPackage } from "../../scripts/packaging/buildPackage";

/** Builds the deployment package (`npm run package`) while the program runs, and says where it is and its hash. */
export function buildPackageNow(appRoot: string): FunctionPackage {
  const tsx = join(appRoot, "node_modules", "tsx", "dist", "cli.mjs");
  const out = execFileSync(
    process.execPath,
    [tsx, join(appRoot, "scripts", "package.ts"), "--json"],
    { cwd: appRoot, encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as FunctionPackage;
}
