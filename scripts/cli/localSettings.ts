import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";

import { HOST_STORAGE_SETTINGS, SETTING_NAMES } from "../../shared/constants";
import { SettingsError } from "../../shared/core/runtime";
import { JsonSyntaxError, readJsonFile } from "./jsonFile";

/**
 * Reads local.settings.json into the environment, as Core Tools does for `func start`; variables
 * already set win. With `create`, a missing file is first made from the sample (the tool's local.settings.sample.json).
 * A file that does not parse, or holds no `Values` of strings, is a SettingsError (exit 2) naming
 * file:line:col or the value.
 */
export function applyLocalSettings(
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { create?: boolean; sample?: string } = {},
): { created: boolean; applied: string[] } {
  const file = join(projectRoot, "local.settings.json");
  let created = false;
  if (!existsSync(file)) {
    if (options.create !== true) return { created, applied: [] };
    copyFileSync(options.sample ?? join(projectRoot, "local.settings.sample.json"), file);
    created = true;
  }
  let parsed: unknown;
  try {
    parsed = readJsonFile(file);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new SettingsError(error.message, { cause: error });
    throw error;
  }
  const values =
    typeof parsed === "object" && parsed !== null
      ? (parsed as { Values?: unknown }).Values
      : undefined;
  if (typeof values !== "object" || values === null)
    throw new SettingsError(`${file}: no "Values" object`);
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "string")
      throw new SettingsError(`${file}: Values.${name} must be a string`);
    if (env[name] === undefined) {
      env[name] = value;
      applied.push(name);
    }
  }
  return { created, applied };
}

const SETTINGS: readonly string[] = [
  ...Object.values(SETTING_NAMES),
  ...Object.values(HOST_STORAGE_SETTINGS),
];

/**
 * A settings error's lines, each setting it starts with followed by where its value came from:
 * `WORKFLOWS_FILE (from local.settings.json): ...` or `(from the environment)`.
 */
export function withSettingOrigins(
  message: string,
  fromFile: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  return message.replace(/^(\s*)([A-Za-z_][\w]*)(?=:)/gm, (whole, indent: string, name: string) =>
    SETTINGS.includes(name) && env[name] !== undefined
      ? `${indent}${name} (from ${fromFile.includes(name) ? "local.settings.json" : "the environment"})`
      : whole,
  );
}
