import { type Dirent, opendirSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

import { type IgnoreRules, isExcluded } from "./ignoreFile";

/** One file azure-ai-ml uploads: where it is read from, and its path inside the upload (POSIX). */
export interface UploadFile {
  /** The file, symlinks resolved. */
  absolute: string;
  /** Relative to the uploaded folder, `/`-separated, through links as named. */
  relative: string;
}

// Python's os.scandir returns entries in the file system's own order; Node's readdir sorts them,
// opendir does not. Only ties under lower-casing ("A.txt" and "a.txt") can feel the difference.
/** A folder's entries in the order the file system returns them, as Python's `os.scandir` does. */
export function directoryEntries(dir: string): Dirent[] {
  const handle = opendirSync(dir);
  const entries: Dirent[] = [];
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync())
      entries.push(entry);
  } finally {
    handle.closeSync();
  }
  return entries;
}

/** `DirEntry.is_dir()`: true for a folder or a link to one. */
export function isDirFollowingLinks(path: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/**
 * `get_upload_files_from_folder(dir, ignore_file=rules)`: every file under `dir` that the ignore
 * rules keep, in `os.walk(followlinks=True)` order. Links to folders are followed; a loop throws
 * where the SDK would walk until the OS refuses.
 */
export function listUploadFiles(dir: string, rules: IgnoreRules): UploadFile[] {
  const result: UploadFile[] = [];
  const visiting = new Set<string>();
  const walk = (folder: string): void => {
    const real = realpathSync(folder);
    if (visiting.has(real)) throw new Error(`symbolic link loop under ${dir}: ${folder}`);
    visiting.add(real);
    const prefix = toPosix(relative(dir, folder));
    const subfolders: string[] = [];
    for (const entry of directoryEntries(folder)) {
      const path = join(folder, entry.name);
      if (isDirFollowingLinks(path, entry)) {
        subfolders.push(path);
        continue;
      }
      // traverse_directory: the walk root is resolved, the file name is not.
      const candidate = join(real, entry.name);
      if (isExcluded(rules, candidate)) continue;
      result.push({
        absolute: realpathSync(candidate),
        relative: prefix === "" ? entry.name : `${prefix}/${entry.name}`,
      });
    }
    for (const sub of subfolders) walk(sub);
    visiting.delete(real);
  };
  walk(dir);
  return result;
}
