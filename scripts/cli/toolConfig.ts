import { formatWarning } from "../../shared/compile/config/configError";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import {
  createRuntime,
  type Runtime,
  SettingsError,
  settingsOrThrow,
} from "../../shared/core/runtime";
import { readCompiledConfig } from "../../shared/workflows/readCompiledConfig";
import type { WorkflowsConfig } from "../../shared/workflows/workflow";

/** The workflows a tool works with: a YAML config compiled here, or an already compiled `.json`. */
export function toolConfig(file: string): WorkflowsConfig {
  // Accepted but worth a look: on stderr, so a --json answer on stdout stays whole.
  if (!/\.json$/i.test(file))
    return loadWorkflowsOrThrow(file, (issue) => process.stderr.write(`${formatWarning(issue)}\n`));
  const read = readCompiledConfig(file);
  if (!read.ok)
    throw new SettingsError(`Invalid compiled workflows:\n  ${read.errors.join("\n  ")}`);
  return read.value;
}

/** The runtime a tool runs events through: this environment's settings and its workflows, compiled. */
export function toolRuntime(env: Record<string, string | undefined> = process.env): Runtime {
  const settings = settingsOrThrow(env);
  return createRuntime(settings, toolConfig(settings.workflowsFile));
}
