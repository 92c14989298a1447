import { isRecord } from "../guards";
import type { Result } from "../result";
import type { AssetCollector } from "./components";
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

/**
 * A parallel node's inline `task` (run_function: code, entry_script, environment): its code and
 * environment become assets, and the task refers to them as azure-ai-ml does (`azureml:` + id).
 */
export function parallelTask(
  task: unknown,
  baseDir: string,
  assets: AssetCollector,
  resolvePath: (path: string) => string,
): Result<Record<string, unknown>> {
  if (!isRecord(task))
    return {
      ok: false,
      errors: ["task must be a mapping (type, code, entry_script, environment)"],
    };
  const type = typeof task.type === "string" ? task.type : "run_function";
  if (type !== "run_function")
    return {
      ok: false,
      errors: [`task type "${type}" is not supported yet; supported: run_function`],
    };
  if (typeof task.entry_script !== "string")
    return { ok: false, errors: ["task needs an entry_script"] };
  const errors: string[] = [];
  const out: Record<string, unknown> = { type: "run_function", entry_script: task.entry_script };
  if (task.program_arguments !== undefined) out.program_arguments = task.program_arguments;
  if (task.append_row_to !== undefined) out.append_row_to = task.append_row_to;
  if (typeof task.code === "string") {
    const code = assets.code(resolvePath(task.code.replace(/^file:/, "")));
    if (code.ok) out.code = `azureml:${code.id}`;
    else errors.push(code.error);
  } else if (task.code !== undefined) errors.push("task.code must be a folder path");
  if (task.environment === undefined) errors.push("task needs an environment");
  else {
    const environment = assets.environment(task.environment, baseDir);
    if (environment.ok) out.environment = `azureml:${environment.id}`;
    else errors.push(environment.error);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}
