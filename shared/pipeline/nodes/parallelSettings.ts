import { isRecord } from "../../guards";
import type { Result } from "../../result";
import { restResources } from "./nodeSettings";

/** The keys a parallel node may carry besides the ones every node has. */
export const PARALLEL_KEYS = [
  "task",
  "input_data",
  "mini_batch_size",
  "retry_settings",
  "logging_level",
  "max_concurrency_per_instance",
  "error_threshold",
  "mini_batch_error_threshold",
  "partition_keys",
  "resources",
];

/**
 * A parallel node's own settings as azure-ai-ml's `Parallel._to_rest_object` writes them:
 * `partition_keys` as a JSON string, `retry_settings` and `resources` as dicts, the rest as given.
 */
export function parallelSettings(node: Record<string, unknown>): Result<Record<string, unknown>> {
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  for (const key of [
    "input_data",
    "mini_batch_size",
    "logging_level",
    "max_concurrency_per_instance",
    "error_threshold",
    "mini_batch_error_threshold",
  ])
    if (node[key] !== undefined) out[key] = node[key];
  if (node.partition_keys !== undefined) {
    if (
      !Array.isArray(node.partition_keys) ||
      !node.partition_keys.every((k) => typeof k === "string")
    )
      errors.push("partition_keys must be a list of column names");
    else out.partition_keys = JSON.stringify(node.partition_keys);
  }
  if (node.retry_settings !== undefined) {
    if (!isRecord(node.retry_settings))
      errors.push("retry_settings must be a mapping (max_retries, timeout)");
    else {
      const unknown = Object.keys(node.retry_settings).filter(
        (k) => k !== "max_retries" && k !== "timeout",
      );
      if (unknown.length > 0)
        errors.push(`retry_settings takes max_retries and timeout, not ${unknown.join(", ")}`);
      out.retry_settings = { ...node.retry_settings };
    }
  }
  if (node.resources !== undefined) {
    const resources = restResources(node.resources);
    if (resources.ok) out.resources = resources.value;
    else errors.push(...resources.errors);
  }
  if (out.input_data === undefined && node.task !== undefined)
    errors.push(
      "a parallel node with a task needs input_data (the input it splits into mini-batches)",
    );
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}
