import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import picomatch from "picomatch";

import { UsageError } from "./runCommand";

// Where a pattern is looked for: never in dependencies or hidden folders (.git, .local).
const skipped = (name: string) => name === "node_modules" || name.startsWith(".");

function kindOf(path: string): "file" | "folder" | undefined {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

/** How a command-line pattern reads: `\` is a separator in Windows shells, an escape elsewhere. */
function scanned(pattern: string): ReturnType<typeof picomatch.scan> {
  return picomatch.scan(process.platform === "win32" ? pattern.replaceAll("\\", "/") : pattern);
}

/** Whether an argument that names no file is a glob pattern the command expands itself. */
export function isGlobPattern(arg: string): boolean {
  return kindOf(arg) === undefined && scanned(arg).isGlob;
}

/**
 * The files a glob pattern matches, sorted, as a POSIX shell would expand it (`*` skips dotfiles;
 * `**` spans folders). Commands expand patterns themselves: cmd and PowerShell pass `*.json` on
 * as it is. A pattern matching nothing is a UsageError naming it.
 */
export function expandGlob(pattern: string): string[] {
  const { base, glob } = scanned(pattern);
  const matches = picomatch(glob);
  const depth = glob.includes("**") ? Infinity : glob.split("/").length;
  const found: string[] = [];
  const walk = (dir: string, relative: string, level: number) => {
    let names: string[];
    try {
      names = readdirSync(dir === "" ? "." : dir);
    } catch {
      return; // the pattern's fixed part names no folder: nothing matches
    }
    for (const name of names) {
      if (skipped(name)) continue;
      const path = dir === "" ? name : join(dir, name);
      const rel = relative === "" ? name : `${relative}/${name}`;
      const kind = kindOf(path);
      if (kind === "file" && matches(rel)) found.push(path);
      else if (kind === "folder" && level < depth) walk(path, rel, level + 1);
    }
  };
  walk(base, "", 1);
  if (found.length === 0) throw new UsageError(`no file matches "${pattern}"`);
  return found.sort();
}

/**
 * The files the arguments name, in order: a file as given (a missing one too, for its reader to
 * report), a folder's files whose names `inFolder` accepts (sorted, not its subfolders), and a glob
 * pattern's matches.
 */
export function filesFromArguments(
  args: readonly string[],
  inFolder: (name: string) => boolean,
): string[] {
  return args.flatMap((arg) => {
    if (kindOf(arg) === "folder")
      return readdirSync(arg)
        .filter((name) => !skipped(name) && inFolder(name) && kindOf(join(arg, name)) === "file")
        .sort()
        .map((name) => join(arg, name));
    return isGlobPattern(arg) ? expandGlob(arg) : [arg];
  });
}
