import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";

import { isRecord } from "../../../guards";
import { readYamlFile } from "../../config/yamlFile";
import { localComponentFile } from "../references";

/** The outputs a job has and what declares them, for messages ("its component train.yml"). */
export interface JobOutputs {
  declaredBy: string;
  outputs: string[];
}

/** A job's outputs by job name; undefined when they cannot be known before submitting. */
export type JobOutputsOf = (job: string) => JobOutputs | undefined;

const names = (outputs: unknown) => Object.keys(isRecord(outputs) ? outputs : {});

/**
 * The outputs each job of a pipeline has, as its component declares them: a component file
 * (`./c.yml`, `file:c.yml`), a component written inline, or an inline job's own `outputs:`.
 */
export function jobOutputs(jobs: Record<string, unknown>, dir: string): JobOutputsOf {
  const files = new Map<string, JobOutputs | undefined>();
  const fromFile = (reference: string): JobOutputs | undefined => {
    const path = resolve(dir, reference);
    if (!files.has(path)) {
      const shown = relative(process.cwd(), path) || path;
      // A missing or broken file is reported where the node names it.
      const read = existsSync(path) ? readYamlFile(path, shown) : undefined;
      files.set(
        path,
        read?.ok === true && isRecord(read.value.data)
          ? { declaredBy: `its component ${shown}`, outputs: names(read.value.data.outputs) }
          : undefined,
      );
    }
    return files.get(path);
  };
  return (job) => {
    const node = Object.hasOwn(jobs, job) ? jobs[job] : undefined;
    if (!isRecord(node)) return undefined;
    // An AutoML node's outputs (best_model, ...) come from the service's AutoML job, not a spec.
    if (node.type === "automl") return undefined;
    const key = node.type === "sweep" ? "trial" : "component";
    const ref = node[key];
    if (typeof ref === "string") {
      const file = localComponentFile(ref);
      // A workspace or registry component (azureml:name:version, azureml://registries/...) is
      // only known to the service: its outputs cannot be checked before submitting.
      return file === undefined ? undefined : fromFile(file);
    }
    if (isRecord(ref))
      return {
        declaredBy: `its component written inline at jobs.${job}.${key}`,
        outputs: names(ref.outputs),
      };
    // An inline job (command, spark entry or parallel task on the node): its component has the
    // node's outputs, as azure-ai-ml builds it.
    if (ref === undefined) return { declaredBy: "its inline job", outputs: names(node.outputs) };
    return undefined;
  };
}
