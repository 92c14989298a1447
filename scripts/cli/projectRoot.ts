import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

import { SETTING_DEFAULTS, SETTING_NAMES } from "../../shared/constants";

/**
 * The user's project: the nearest folder at or above `from` holding a package.json (where npm runs
 * scripts), else `from` itself. Its local.settings.json, workflows/ and .local/ are the ones the
 * commands use, wherever the tool itself is installed.
 */
export function findProjectRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/** Path settings, each with its default, that mean a place in the user's project. */
const PROJECT_PATHS: readonly [name: string, fallback: string][] = [
  [SETTING_NAMES.workflowsFile, SETTING_DEFAULTS.workflowsFile],
  [SETTING_NAMES.dryRunDir, SETTING_DEFAULTS.dryRunDir],
  [SETTING_NAMES.rejectedDir, SETTING_DEFAULTS.rejectedDir],
  [SETTING_NAMES.watcherStateDir, SETTING_DEFAULTS.watcherStateDir],
  [SETTING_NAMES.archiveDir, SETTING_DEFAULTS.archiveDir],
  ["AZURITE_DATA_DIR", ".local/azurite"],
];

/**
 * Makes the path settings absolute, against the project: the function resolves relative ones
 * against its own root (host.json's folder), which for an installed tool is inside node_modules.
 */
export function pinProjectPaths(env: NodeJS.ProcessEnv, projectRoot: string): void {
  for (const [name, fallback] of PROJECT_PATHS) {
    const set = env[name]?.trim();
    const path = set === undefined || set === "" ? fallback : set;
    env[name] = isAbsolute(path) ? path : resolve(projectRoot, path);
  }
}
