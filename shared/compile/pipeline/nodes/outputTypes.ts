import { existsSync } from "node:fs";
import { resolve } from "node:path";

import { isRecord } from "../../../guards";
import { readYamlFile } from "../../config/yamlFile";
import type { OutputTypeOf } from "../inlineIo";
import { localComponentFile } from "../references";

const PARENT_OUTPUT = /^\$\{\{\s*parent\.outputs\.(\w+)\s*\}\}$/;

function declaredType(outputs: unknown, name: string): string | undefined {
  const output = isRecord(outputs) ? outputs[name] : undefined;
  return isRecord(output) && typeof output.type === "string" ? output.type : undefined;
}

/**
 * The type of each job's outputs as its node or its component file declares them: an inline job
 * that reads one is typed from it, as azure-ai-ml types it.
 */
export function outputTypes(
  jobs: Record<string, unknown>,
  dir: string,
  pipelineOutputs: Record<string, unknown>,
): OutputTypeOf {
  const files = new Map<string, unknown>();
  const componentOutputs = (reference: string): unknown => {
    const path = resolve(dir, reference);
    if (!files.has(path)) {
      const read = existsSync(path) ? readYamlFile(path, path) : undefined;
      files.set(
        path,
        read?.ok === true && isRecord(read.value.data) ? read.value.data.outputs : {},
      );
    }
    return files.get(path);
  };
  return (job, output) => {
    const node = Object.hasOwn(jobs, job) ? jobs[job] : undefined;
    if (!isRecord(node)) return undefined;
    const written = declaredType(node.outputs, output);
    if (written !== undefined) return written;
    // An output bound to a pipeline output (written as a string) has that output's type.
    const value = isRecord(node.outputs) ? node.outputs[output] : undefined;
    const parent = typeof value === "string" ? PARENT_OUTPUT.exec(value) : null;
    if (parent) return declaredType(pipelineOutputs, parent[1] ?? "") ?? "uri_folder";
    const reference =
      typeof node.component === "string" ? localComponentFile(node.component) : undefined;
    return reference === undefined ? undefined : declaredType(componentOutputs(reference), output);
  };
}
