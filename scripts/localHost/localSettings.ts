import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Reads local.settings.json (made from the sample on first start) into the environment; variables already set win. */
export function applyLocalSettings(
  appRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): { created: boolean; applied: string[] } {
  const file = join(appRoot, "local.settings.json");
  let created = false;
  if (!existsSync(file)) {
    copyFileSync(join(appRoot, "local.settings.sample.json"), file);
    created = true;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`local.settings.json is not valid JSON: ${(error as Error).message}`);
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
