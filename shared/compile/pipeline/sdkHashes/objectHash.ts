import { createHash, type Hash } from "node:crypto";
import { lstatSync, realpathSync, statSync } from "node:fs";
import { basename, join } from "node:path";

import { compareLowerCodePoints, updateWithFile } from "./contentHash";
import { type IgnoreRules, isExcluded, NO_IGNORE } from "./ignoreFile";
import { directoryEntries } from "./uploadFiles";

/** `ARTIFACT_ORIGIN`: the datastore folder local uploads go under. */
export const ARTIFACT_ORIGIN = "LocalUpload";

/** `WORKSPACE_BLOB_STORE`: where local data goes when the input names no datastore. */
export const WORKSPACE_BLOB_STORE = "workspaceblobstore";

const OBJECT_HASH_SEED = "Initialize for october 2021 AML CLI version";

function kindOf(path: string): "file" | "dir" | "other" {
  try {
    const stat = statSync(path);
    return stat.isFile() ? "file" : stat.isDirectory() ? "dir" : "other";
  } catch {
    return "other";
  }
}

// _get_dir_hash: each kept entry's name, then its bytes or (recursively) its folder. A folder
// whose rule is written `dir/` is not itself matched (the rule wants `dir/…`), so its name
// still counts while the files inside it are left out.
function updateWithDir(hash: Hash, dir: string, rules: IgnoreRules, seen: Set<string>): void {
  const real = realpathSync(dir);
  if (seen.has(real)) throw new Error(`symbolic link loop at ${dir}`);
  seen.add(real);
  const entries = directoryEntries(dir)
    .map((entry) => join(dir, entry.name))
    .sort((a, b) => compareLowerCodePoints(a, b));
  for (const path of entries) {
    if (isExcluded(rules, path)) continue;
    hash.update(basename(path), "utf8");
    const kind = kindOf(path);
    if (kind === "file") updateWithFile(hash, path);
    // Only a link is resolved before descending; a plain subfolder keeps the path it was reached by.
    else if (kind === "dir") {
      updateWithDir(
        hash,
        lstatSync(path).isSymbolicLink() ? realpathSync(path) : path,
        rules,
        seen,
      );
    }
  }
  seen.delete(real);
}

/**
 * azure-ai-ml 1.10.0 `get_object_hash(path, ignore_file)` (`_utils/_asset_utils.py`): md5, seeded,
 * over a file's bytes or a folder's names and bytes. It names the upload folder
 * `LocalUpload/<hash>/<name>` of local data and Docker build contexts, and an environment's version.
 */
export function objectHash(path: string, rules: IgnoreRules = NO_IGNORE): string {
  const hash = createHash("md5").update(OBJECT_HASH_SEED, "utf8");
  if (kindOf(path) === "dir") updateWithDir(hash, path, rules, new Set());
  else updateWithFile(hash, realpathSync(path));
  return hash.digest("hex");
}

/**
 * `LocalUpload/<object hash>/<name>`: where `BlobStorageClient.upload` writes local data and a
 * build context. Code is hashed the same way, but a workspace code upload goes to the blob
 * `startPendingUpload` hands out, so its folder is the service's choice.
 */
export function localUploadPath(path: string, hash: string): string {
  return `${ARTIFACT_ORIGIN}/${hash}/${basename(path)}`;
}

/**
 * The `azureml://datastores/<store>/paths/LocalUpload/<hash>/<name>` a local job input becomes
 * (`JobOperations._resolve_job_input`), a folder's with a trailing `/`.
 */
export function localDataUri(
  path: string,
  hash: string,
  isFolder: boolean,
  datastore = WORKSPACE_BLOB_STORE,
): string {
  const uri = `azureml://datastores/${datastore}/paths/${localUploadPath(path, hash)}`;
  return isFolder && !uri.endsWith("/") ? `${uri}/` : uri;
}
