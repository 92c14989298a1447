import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { EventGridHandler } from "../../functions/registry";
import { createTriggerPipelines } from "../../functions/triggerPipelines";
import { toolRuntime } from "../../scripts/cli/toolConfig";
import { FUNCTION_NAMES, SETTING_NAMES } from "../../shared/constants";
import { EXAMPLE_WORKFLOWS } from "./samples";

/**
 * The triggerPipelines handler for a runtime built from exactly these settings (not this process's
 * environment): the example workflows under test/fixtures, and fresh temp dry-run, rejection and
 * archive folders unless given, so no test writes into the repository's `.local/`.
 */
export function handlerWith(settings: Record<string, string | undefined>): EventGridHandler {
  return createTriggerPipelines(
    toolRuntime({
      [SETTING_NAMES.workflowsFile]: EXAMPLE_WORKFLOWS,
      [SETTING_NAMES.dryRunDir]: mkdtempSync(join(tmpdir(), "dry-run-")),
      [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "rejected-")),
      [SETTING_NAMES.archiveDir]: mkdtempSync(join(tmpdir(), "archive-")),
      ...settings,
    }),
  );
}

/** The function table the local host serves, with triggerPipelines built from these settings. */
export function functionsWith(
  settings: Record<string, string | undefined>,
): Map<string, EventGridHandler> {
  return new Map([[FUNCTION_NAMES.triggerPipelines, handlerWith(settings)]]);
}
