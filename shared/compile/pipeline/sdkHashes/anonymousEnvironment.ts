import { createHash } from "node:crypto";

import { codePoints } from "../../../compiled/pythonText";
import { type Dumpable, dumpPyYaml } from "./pyYamlDump";
import { loadPyYaml } from "./pyYamlLoad";

/** `ANONYMOUS_ENV_NAME`: the container every anonymous environment version lives in. */
export const ANONYMOUS_ENVIRONMENT_NAME = "CliV2AnonymousEnvironment";

/** `get_md5_string` (`entities/_util.py`): md5 hex of the UTF-8 text. */
export function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

// Environment._generate_anonymous_name_version chains `hash_str = hash_str.join(md5(x))`: Python's
// str.join puts the previous hash *between every character* of the new one; it does not concatenate.
function pythonJoin(separator: string, text: string): string {
  return codePoints(text).join(separator);
}

/**
 * The `condaFile` text the SDK sends: the conda YAML loaded with `yaml.safe_load` and written
 * again with `yaml.dump(..., sort_keys=True)` (`Environment.__init__`, `_utils/utils.py dump_yaml`).
 * Comments go, keys are sorted (`name:` stays), lists sit under their key without indent, strings
 * YAML 1.1 would read as something else are quoted, non-ASCII is escaped. Null if the SDK sends none.
 */
export function condaFileText(condaYaml: string): string | null {
  const loaded = loadPyYaml(condaYaml);
  return condaValueText(loaded);
}

/** `dump_yaml(conda_file, sort_keys=True)` of an already-loaded conda value (an inline `conda_file:` mapping). */
export function condaValueText(conda: Dumpable): string | null {
  // `if self.conda_file:` — None, {}, [] and "" are false in Python, and then no condaFile is sent.
  const empty =
    conda === null ||
    conda === "" ||
    conda === false ||
    conda === 0 ||
    conda === 0n ||
    (Array.isArray(conda) && conda.length === 0) ||
    (conda instanceof Map
      ? conda.size === 0
      : typeof conda === "object" && Object.keys(conda).length === 0);
  return empty ? null : dumpPyYaml(conda);
}

/** What an image-based anonymous environment's version is made of. */
export interface ImageEnvironment {
  image: string;
  /** The `condaFile` text exactly as sent (see `condaFileText`). */
  condaFile?: string | null;
}

/**
 * azure-ai-ml 1.10.0 `Environment._generate_anonymous_name_version(source="image")`
 * (`entities/_assets/environment.py`): the version of `environments/CliV2AnonymousEnvironment`.
 * The image is hashed as written (tag and all). An online deployment's `inference_config` would
 * also count, as PyYAML's `!!python/object` dump of a REST model; pipelines never have one.
 */
export function anonymousImageEnvironmentVersion(env: ImageEnvironment): string {
  let hashStr = md5Hex(env.image);
  if (env.condaFile) hashStr = pythonJoin(hashStr, md5Hex(env.condaFile));
  return md5Hex(hashStr);
}

/**
 * `_generate_anonymous_name_version(source="build")`: a Docker build context's version, from the
 * context folder's `objectHash(dir, folderIgnoreRules(dir))` and `build.dockerfile_path` if given.
 */
export function anonymousBuildEnvironmentVersion(
  uploadHash: string,
  dockerfilePath?: string | null,
): string {
  let hashStr = md5Hex(uploadHash);
  if (dockerfilePath) hashStr = pythonJoin(hashStr, md5Hex(dockerfilePath));
  return md5Hex(hashStr);
}
