import { existsSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

import { compileWildMatch, normalizeFile, type WildMatchPattern } from "./gitWildMatch";

/** What azure-ai-ml leaves out of a folder: the compiled lines of one ignore file, relative to `base`. */
export interface IgnoreRules {
  /** The folder the lines are relative to, absolute. */
  base: string;
  patterns: WildMatchPattern[];
}

/** `ComponentIgnoreFile._COMPONENT_CODE_IGNORES`: a component's code never carries these. */
export const COMPONENT_CODE_IGNORES = ["__pycache__"] as const;

/** No ignore file: nothing is left out (`IgnoreFile()`). */
export const NO_IGNORE: IgnoreRules = { base: "/", patterns: [] };

// IgnoreFile._get_ignore_list: read as utf-8-sig, each line right-stripped; a pattern is then
// stripped on both sides by GitWildMatchPattern.
function readLines(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  return text.split(/\r\n|\r|\n/).map((line) => line.trimEnd());
}

function compileAll(lines: readonly string[]): WildMatchPattern[] {
  return lines.map(compileWildMatch).filter((p): p is WildMatchPattern => p !== null);
}

/** `get_ignore_file(dir)`: `.amlignore` in `dir`, else `.gitignore`, else nothing. Only the root's file counts. */
export function findIgnoreFile(dir: string): string | undefined {
  for (const name of [".amlignore", ".gitignore"]) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * The rules for local data, a Docker build context, or a command job's code (`get_ignore_file`):
 * the root's `.amlignore` or `.gitignore`, relative to the ignore file's resolved folder.
 */
export function folderIgnoreRules(dir: string): IgnoreRules {
  const file = findIgnoreFile(dir);
  if (file === undefined) return NO_IGNORE;
  const real = realpathSync(file);
  return { base: resolve(real, ".."), patterns: compileAll(readLines(file)) };
}

/**
 * The rules for a component's code (`ComponentIgnoreFile(dir)`): the root's ignore file plus
 * `__pycache__`, relative to `dir` exactly as given (see `componentCodeIgnoreRules`).
 */
export function componentIgnoreRules(dir: string): IgnoreRules {
  const file = findIgnoreFile(dir);
  const lines = file === undefined ? [] : readLines(file);
  return { base: resolve(dir), patterns: compileAll([...lines, ...COMPONENT_CODE_IGNORES]) };
}

/**
 * The rules azure-ai-ml 1.10.0 applies to a component's local `code:` (`_try_build_local_code`).
 * A command component anchors them at the code folder with symlinks resolved
 * (`AdditionalIncludes.resolved_code_path`); parallel and spark components at the path as written
 * (`ComponentCodeMixin`). It matters only when the code path goes through a link.
 */
export function componentCodeIgnoreRules(
  baseDir: string,
  code: string,
  componentType: string,
): IgnoreRules {
  if (isAbsolute(code)) return componentIgnoreRules(code);
  const dir = resolve(baseDir, code);
  return componentIgnoreRules(
    componentType === "parallel" || componentType === "spark" ? dir : realpathSync(dir),
  );
}

/** `IgnoreFile.is_file_excluded`: the last pattern that matches the path (relative to `base`) decides. */
export function isExcluded(rules: IgnoreRules, absolutePath: string): boolean {
  if (rules.patterns.length === 0) return false;
  const rel = relative(rules.base, resolve(absolutePath));
  // os.path.relpath fails across Windows drives; the SDK then treats the file as excluded.
  if (isAbsolute(rel)) return true;
  const norm = normalizeFile(rel, sep === "/" ? [] : [sep]);
  let excluded = false;
  for (const pattern of rules.patterns) {
    if (pattern.regex.test(norm)) excluded = pattern.include;
  }
  return excluded;
}
