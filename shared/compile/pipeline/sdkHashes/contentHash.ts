import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { basename } from "node:path";

import { compareCodePoints } from "../../../compiled/pythonText";
import { type IgnoreRules, NO_IGNORE } from "./ignoreFile";
import { listUploadFiles, type UploadFile } from "./uploadFiles";

/** `get_content_hash_version()`: sent as the code version's `hash_version` and as `?hashVersion=`. */
export const CONTENT_HASH_VERSION = "202208";

/** Feeds a file's bytes to a hash (`_get_file_hash`; the chunk size does not change the digest). */
export function updateWithFile(hash: Hash, file: string): Hash {
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk))
      hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash;
}

/** Python's `sorted(key=str.lower)` order: lower-cased, then by code point; ties keep their order. */
export function compareLowerCodePoints(a: string, b: string): number {
  return compareCodePoints(a.toLowerCase(), b.toLowerCase());
}

/** `_get_file_list_content_hash`: sha256 of the count, each `#path#size` in order, then each file's bytes. */
export function fileListContentHash(files: readonly UploadFile[]): string {
  const sorted = [...files].sort((a, b) => compareLowerCodePoints(a.relative, b.relative));
  const hash = createHash("sha256").update(String(files.length));
  for (const file of sorted) {
    hash.update(`#${file.relative}#`, "utf8").update(String(statSync(file.absolute).size));
  }
  for (const file of sorted) updateWithFile(hash, file.absolute);
  return hash.digest("hex");
}

/**
 * azure-ai-ml 1.10.0 `get_content_hash(path, ignore_file)` (`_utils/_asset_utils.py`): the
 * `hash_sha256` of a code version, and the `?hash=` the SDK looks an existing code up by.
 * For a component's code pass `componentIgnoreRules(dir)`; for a folder without rules, nothing.
 */
export function contentHash(path: string, rules: IgnoreRules = NO_IGNORE): string {
  const actual = realpathSync(path);
  if (statSync(actual).isDirectory()) return fileListContentHash(listUploadFiles(actual, rules));
  return fileListContentHash([{ absolute: actual, relative: basename(actual) }]);
}

/** The `properties` the SDK puts on a new code version. */
export function codeVersionHashProperties(sha256: string): {
  hash_sha256: string;
  hash_version: string;
} {
  return { hash_sha256: sha256, hash_version: CONTENT_HASH_VERSION };
}

/** The query of `GET …/codes/<name>/versions?hash=…&hashVersion=202208` (after `api-version`). */
export function codeHashQuery(sha256: string): string {
  return `hash=${sha256}&hashVersion=${CONTENT_HASH_VERSION}`;
}
