import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The function app's root: the nearest folder above `startDir` holding host.json. Relative settings
 * resolve against it, so they mean the same under `func start`, in Azure and in the tools.
 */
export function findAppRoot(startDir: string = __dirname): string {
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, "host.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
