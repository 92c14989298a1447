import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename } from "node:path";

import { errorMessage } from "../../errors";
import type { Result } from "../../result";
import {
  contentHash,
  fileListContentHash,
  type IgnoreRules,
  listUploadFiles,
  NO_IGNORE,
  objectHash,
} from "./sdkHashes";

/** Azure ML refuses a code snapshot over 300 MB. */
export const MAX_CODE_BYTES = 300 * 1024 * 1024;

/** A code folder (or file) as it will be uploaded, with azure-ai-ml's two hashes of it. */
export interface CodeFolder {
  /** The folder or file, absolute. */
  dir: string;
  /** Each file: relative POSIX path inside the upload, and where it is read from. */
  files: { relative: string; absolute: string }[];
  bytes: number;
  /** `get_content_hash` (hash version 202208): what a code version's `hash_sha256` says. */
  sha256: string;
  /** `get_object_hash`: the `<hash>` of `LocalUpload/<hash>/<name>` where data is uploaded. */
  uploadHash: string;
}

/** A UUID-shaped name made from a hex digest: the same content always gets the same name. */
export function uuidFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Reads a folder (or one file) the way azure-ai-ml uploads it: `rules` (an `.amlignore` or
 * `.gitignore` at its root, and for a component's code `__pycache__`) leave files out; links are
 * followed as the SDK follows them.
 */
export function readCodeFolder(dir: string, rules: IgnoreRules = NO_IGNORE): Result<CodeFolder> {
  try {
    if (!existsSync(dir)) return { ok: false, errors: [`not found: ${dir}`] };
    const isFile = statSync(dir).isFile();
    if (!isFile && !lstatSync(realpathSync(dir)).isDirectory())
      return { ok: false, errors: [`not a folder: ${dir}`] };
    const files = isFile
      ? [{ relative: basename(dir), absolute: realpathSync(dir) }]
      : listUploadFiles(dir, rules);
    let bytes = 0;
    for (const file of files) {
      bytes += statSync(file.absolute).size;
      if (bytes > MAX_CODE_BYTES)
        return {
          ok: false,
          errors: [
            `${dir} holds more than ${MAX_CODE_BYTES / 1024 / 1024} MB, which Azure ML refuses; list what is not code in its .amlignore`,
          ],
        };
    }
    if (files.length === 0) return { ok: false, errors: [`${dir} has no files to upload`] };
    return {
      ok: true,
      value: {
        dir,
        files,
        bytes,
        sha256: isFile ? fileListContentHash(files) : contentHash(dir, rules),
        uploadHash: objectHash(dir, rules),
      },
    };
  } catch (error) {
    return { ok: false, errors: [`cannot read ${dir}: ${errorMessage(error)}`] };
  }
}

/** A file's bytes, for uploading. */
export const readUploadFile = (file: { absolute: string }) => readFileSync(file.absolute);
