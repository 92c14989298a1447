import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { errorMessage } from "../../shared/errors";

/**
 * Reads local.settings.json into the environment, as Core Tools does for `func start`; variables
 * already set win. With `create`, a missing file is first made from local.settings.sample.json.
 */
export function applyLocalSettings(
  appRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { create?: boolean } = {},
): { created: boolean; applied: string[] } {
  const file = join(appRoot, "local.settings.json");
  let created = false;
  if (!existsSync(file)) {
    if (options.create !== true) return { created, applied: [] };
    copyFileSync(join(appRoot, "local.settings.sample.json"), file);
    created = true;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`local.settings.json is not valid JSON: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const values =
    typeof parsed === "object" && parsed !== null
      ? (parsed as { Values?: unknown }).Values
      : undefined;
  if (typeof values !== "object" || values === null)
    throw new Error('local.settings.json has no "Values" object');
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "string")
      throw new Error(`local.settings.json: Values.${name} must be a string`);
    if (env[name] === undefined) {
      env[name] = value;
      applied.push(name);
    }
  }
  return { created, applied };
}
