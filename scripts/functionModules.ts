import { readdirSync } from "node:fs";

/** The function modules in `functions/` (one file per function; the registry is not one), compiled or not. */
export function functionModuleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith(".d.ts"))
    .filter((f) => !/^registry\.(js|ts)$/.test(f))
    .sort();
}
