import { createHash } from "node:crypto";

import { type JsonLike, pythonJsonDumps } from "./pythonJson";

/** `ANONYMOUS_COMPONENT_NAME`: the container every anonymous component version lives in. */
export const ANONYMOUS_COMPONENT_NAME = "azureml_anonymous";

/** The keys `Component._get_anonymous_hash` leaves out, plus `_source`, which only the REST spec has. */
export const ANONYMOUS_HASH_OMITTED_KEYS = ["name", "id", "version", "_source"] as const;

/** `hash_dict` (`_utils/utils.py`): md5 of `json.dumps(dict, sort_keys=True)`, written as a UUID. */
export function hashDict(
  items: { [key: string]: JsonLike },
  keysToOmit: readonly string[] = [],
): string {
  const kept = Object.fromEntries(
    Object.entries(items).filter(([key]) => !keysToOmit.includes(key)),
  );
  const hex = createHash("md5").update(pythonJsonDumps(kept), "utf8").digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The SDK hashes `_to_dict()`; what it sends adds `_source` (omitted above) and, for a parallel
// component, writes `partition_keys` as a JSON string where the hashed dict holds the list.
function hashedDict(componentSpec: { [key: string]: JsonLike }): { [key: string]: JsonLike } {
  const keys = componentSpec.partition_keys;
  if (componentSpec.type !== "parallel" || typeof keys !== "string") return componentSpec;
  return { ...componentSpec, partition_keys: JSON.parse(keys) as JsonLike };
}

/**
 * azure-ai-ml 1.10.0 `Component._get_anonymous_hash` (`entities/_component/component.py`, and
 * `PipelineComponent._get_anonymous_hash`): the version of `components/azureml_anonymous`.
 * `componentSpec` is `properties.componentSpec` exactly as the SDK sends it (its code and
 * environment already ARM ids); `name`, `id`, `version` and `_source` do not count.
 */
export function anonymousComponentVersion(componentSpec: { [key: string]: JsonLike }): string {
  return hashDict(hashedDict(componentSpec), ANONYMOUS_HASH_OMITTED_KEYS);
}
