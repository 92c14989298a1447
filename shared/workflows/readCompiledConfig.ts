import { readFileSync } from "node:fs";

import {
  COMPILED_FORMAT,
  type CompiledConfig,
  READABLE_COMPILED_FORMATS,
} from "../compiled/compiledConfig";
import { errorMessage } from "../errors";
import { isRecord } from "../guards";
import type { Result } from "../result";
import { hydrate } from "./hydrate";
import type { WorkflowsConfig } from "./workflow";

/** Reads a compiled workflows file (what `amlwf package` writes) and makes it ready for events. */
export function readCompiledConfig(file: string): Result<WorkflowsConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return {
      ok: false,
      errors: [`cannot read the compiled workflows ${file}: ${errorMessage(error)}`],
    };
  }
  if (
    !isRecord(parsed) ||
    typeof parsed.format !== "number" ||
    !READABLE_COMPILED_FORMATS.includes(parsed.format)
  )
    return {
      ok: false,
      errors: [
        `${file} is not a compiled workflows file of format ${COMPILED_FORMAT}; build it with \`amlwf package\` from the same version of this project`,
      ],
    };
  if (
    !Array.isArray(parsed.workflows) ||
    !isRecord(parsed.pipelines) ||
    !Array.isArray(parsed.eventTypes)
  )
    return { ok: false, errors: [`${file} lacks workflows, pipelines or eventTypes`] };
  return hydrate(parsed as unknown as CompiledConfig);
}
