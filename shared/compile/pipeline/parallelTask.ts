import { isRecord } from "../../guards";
import type { Result } from "../../result";
import { prefixed } from "./inlineIo";
import type { Reference } from "./references";

/** What resolving a task needs from the asset collector: its code folder and environment, registered. */
export interface TaskAssets {
  code(baseDir: string, written: string, componentType: string): Reference;
  environment(value: unknown, baseDir: string): Reference;
}

/**
 * A parallel `task` (run_function: code, entry_script, environment), on a node or in a component
 * file: its code and environment become assets, referred to as azure-ai-ml does (`azureml:` + id).
 */
export function parallelTask(
  task: unknown,
  baseDir: string,
  assets: TaskAssets,
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
    const code = assets.code(baseDir, task.code.replace(/^file:/, ""), "parallel");
    if (code.ok) out.code = prefixed(code.id);
    else errors.push(code.error);
  } else if (task.code !== undefined) errors.push("task.code must be a folder path");
  if (task.environment === undefined) errors.push("task needs an environment");
  else {
    const environment = assets.environment(task.environment, baseDir);
    if (environment.ok) out.environment = prefixed(environment.id);
    else errors.push(environment.error);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}
