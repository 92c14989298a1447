import { type FSWatcher, watch } from "node:fs";
import { dirname } from "node:path";

import type { ConfigError } from "../../shared/compile/config/configError";
import { loadWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import type { WorkflowsConfig } from "../../shared/workflows/workflow";

/**
 * Watches the workflows file's folder (the config and its pipelines). On a change it validates
 * first: a valid config is handed to `onValid`, an invalid one to `onInvalid` and not applied.
 */
export function watchWorkflows(
  file: string,
  handlers: { onValid(config: WorkflowsConfig): void; onInvalid(error: ConfigError): void },
): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  // Editors write a file in several steps; wait for them to settle before reading.
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const loaded = loadWorkflows(file);
      if (loaded.ok) handlers.onValid(loaded.value);
      else handlers.onInvalid(loaded.error);
    }, 250);
  };
  const watcher = watch(dirname(file), { recursive: true }, reload);
  watcher.on("close", () => {
    clearTimeout(timer);
  });
  return watcher;
}
