import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

import ignore from "ignore";

import { errorMessage } from "../errors";
import type { Result } from "../result";

/** Azure ML refuses a code snapshot over 300 MB. */
export const MAX_CODE_BYTES = 300 * 1024 * 1024;

/** A code folder as it will be uploaded: its files (relative, POSIX), their total size and a content hash. */
export interface CodeFolder {
  /** The folder, absolute. */
  dir: string;
  files: string[];
  bytes: number;
  /** sha256 over each file's relative path, size and content, in path order. */
  sha256: string;
}

/** A UUID-shaped name made from a hex digest: the same content always gets the same name. */
export function uuidFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// Only a link to a file is content; a link to a folder is not followed, as it may loop.
function linksToFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads a code folder the way `az ml` uploads it: `.amlignore` (or else `.gitignore`) at its root
 * leaves files out. Symbolic links to folders are not followed, so a link loop cannot hang it.
 */
export function readCodeFolder(dir: string): Result<CodeFolder> {
  try {
    if (!existsSync(dir)) return { ok: false, errors: [`not found: ${dir}`] };
    if (lstatSync(dir).isFile()) {
      const content = readFileSync(dir);
      const name = dir.split(sep).pop() ?? "file";
      const sha256 = createHash("sha256")
        .update(`${name}\0${content.length}\0`)
        .update(content)
        .digest("hex");
      return { ok: true, value: { dir, files: [name], bytes: content.length, sha256 } };
    }
    if (!lstatSync(dir).isDirectory()) return { ok: false, errors: [`not a folder: ${dir}`] };
    const rules = ignore();
    for (const name of [".amlignore", ".gitignore"]) {
      const file = join(dir, name);
      if (existsSync(file)) {
        rules.add(readFileSync(file, "utf8"));
        break;
      }
    }
    const files: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        const rel = relative(dir, path).split(sep).join("/");
        if (entry.isDirectory()) {
          if (!rules.ignores(`${rel}/`)) walk(path);
        } else if (rules.ignores(rel)) continue;
        else if (entry.isFile() || (entry.isSymbolicLink() && linksToFile(path))) files.push(rel);
      }
    };
    walk(dir);
    files.sort();
    const hash = createHash("sha256");
    let bytes = 0;
    for (const rel of files) {
      const content = readFileSync(join(dir, rel));
      bytes += content.length;
      if (bytes > MAX_CODE_BYTES)
        return {
          ok: false,
          errors: [
            `code folder ${dir} holds more than ${MAX_CODE_BYTES / 1024 / 1024} MB, which Azure ML refuses; list what is not code in its .amlignore`,
          ],
        };
      hash.update(`${rel}\0${content.length}\0`).update(content);
    }
    if (files.length === 0)
      return { ok: false, errors: [`code folder ${dir} has no files to upload`] };
    return { ok: true, value: { dir, files, bytes, sha256: hash.digest("hex") } };
  } catch (error) {
    return { ok: false, errors: [`cannot read code folder ${dir}: ${errorMessage(error)}`] };
  }
}
