import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { expandGlob, isGlobPattern } from "./fileArguments";

/** What a YAML file is to `validate`: a workflows config, a pipeline job, or neither. */
export type ConfigKind = "workflows" | "pipeline" | "other";

// Read without a YAML parser: the top-level keys are enough to tell the kinds apart.
function topLevel(text: string, key: string, value?: RegExp): boolean {
  const line = new RegExp(`^${key}\\s*:\\s*(.*)$`, "m").exec(text);
  if (line === null) return false;
  return value === undefined || value.test((line[1] ?? "").trim());
}

/** Tells a workflows config from a pipeline job file (pipeline components are not jobs). */
export function configKind(file: string): ConfigKind {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "other";
  }
  if (topLevel(text, "workflows")) return "workflows";
  if (!topLevel(text, "type", /^["']?pipeline["']?(\s*#.*)?$/)) return "other";
  if (topLevel(text, "\\$schema", /pipelineComponent/i)) return "other";
  return "pipeline";
}

/**
 * The files to validate: files as given; folders, and glob patterns (expanded here, as Windows shells
 * do not), searched for workflows configs and pipeline jobs. A pattern matching nothing is a UsageError.
 */
export function configFilesIn(paths: readonly string[]): { file: string; kind: ConfigKind }[] {
  const found: { file: string; kind: ConfigKind }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/i.test(name)) {
        const kind = configKind(path);
        if (kind !== "other") found.push({ file: path, kind });
      }
    }
  };
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      if (isGlobPattern(path))
        for (const file of expandGlob(path)) {
          const kind = configKind(file);
          if (kind !== "other") found.push({ file, kind });
        }
      else found.push({ file: path, kind: "other" });
      continue;
    }
    if (isDir) walk(path);
    else found.push({ file: path, kind: configKind(path) });
  }
  return found;
}
