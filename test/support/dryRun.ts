import { readdirSync } from "node:fs";

/** The job requests a dry run wrote (its `model-tags/` folder of model versions left out), sorted. */
export function dryRunJobFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
}
