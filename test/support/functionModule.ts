import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { vi } from "vitest";

import type { EventGridHandler } from "../../functions/registry";
import { FUNCTION_NAMES, HOST_STORAGE_SETTINGS, SETTING_NAMES } from "../../shared/constants";
import { EXAMPLE_WORKFLOWS } from "./samples";

/**
 * Loads the function modules afresh, as the host would, with only these settings in the
 * environment. Dry-run and rejection folders default to new temp folders, so no test writes into
 * the repository's `.local/`, and the workflows to the example under test/fixtures.
 */
export async function loadFunctionsWith(settings: Record<string, string | undefined>): Promise<{
  triggerPipelines: EventGridHandler;
  functions: ReadonlyMap<string, EventGridHandler>;
}> {
  for (const name of [...Object.values(SETTING_NAMES), ...Object.values(HOST_STORAGE_SETTINGS)])
    Reflect.deleteProperty(process.env, name);
  process.env[SETTING_NAMES.dryRunDir] = mkdtempSync(join(tmpdir(), "dry-run-"));
  process.env[SETTING_NAMES.rejectedDir] = mkdtempSync(join(tmpdir(), "rejected-"));
  process.env[SETTING_NAMES.workflowsFile] = EXAMPLE_WORKFLOWS;
  for (const [name, value] of Object.entries(settings))
    if (value !== undefined) process.env[name] = value;
  vi.resetModules();
  await import("../../functions/triggerPipelines");
  const { registeredEventGridFunctions } = await import("../../functions/registry");
  const functions = registeredEventGridFunctions();
  const triggerPipelines = functions.get(FUNCTION_NAMES.triggerPipelines);
  if (!triggerPipelines) throw new Error("triggerPipelines was not registered");
  return { triggerPipelines, functions };
}
