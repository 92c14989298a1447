import { isRecord } from "../../../guards";
import type { Result } from "../../../result";
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

const UNITS: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `mini_batch_size` as azure-ai-ml's Parallel node reads it: a count, or a size with kb/mb/gb. */
export function miniBatchSize(value: unknown): Result<number> {
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return { ok: true, value: Number(text) };
  const sized = /^(\d+)\s*(kb|mb|gb)$/i.exec(text);
  if (sized)
    return { ok: true, value: Number(sized[1]) * (UNITS[(sized[2] ?? "").toLowerCase()] ?? 1) };
  return {
    ok: false,
    errors: [`mini_batch_size must be a count or a size with kb, mb or gb, not "${text}"`],
  };
}

/** A JSON list as Python's json.dumps writes it (`["a", "b"]`). */
const pythonJsonList = (items: string[]) => `[${items.map((i) => JSON.stringify(i)).join(", ")}]`;

/**
 * A parallel node's own settings as azure-ai-ml's `Parallel._to_rest_object` writes them:
 * `partition_keys` as a JSON string, `retry_settings` and `resources` as dicts, the rest as given.
 */
export function parallelSettings(node: Record<string, unknown>): Result<Record<string, unknown>> {
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  for (const key of [
    "input_data",
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
    else out.partition_keys = pythonJsonList(node.partition_keys);
  }
  if (node.mini_batch_size !== undefined) {
    const size = miniBatchSize(node.mini_batch_size);
    if (size.ok) out.mini_batch_size = size.value;
    else errors.push(...size.errors);
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
