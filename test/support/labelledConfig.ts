import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { compileWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import type { CompiledConfig, LabelReference } from "../../shared/compiled/compiledConfig";
import { EXAMPLE_WORKFLOWS } from "./samples";

/**
 * Label references as the compile side will emit them, on the example's pipeline: a pipeline
 * input and a node input naming one data asset, the node's component, and a model on the node.
 */
export const EXAMPLE_LABELS: LabelReference[] = [
  {
    at: ["inputs", "training_data", "uri"],
    asset: "data",
    name: "local-folder-example",
    label: "latest",
  },
  {
    at: ["jobs", "validate", "inputs", "reference_data", "uri"],
    asset: "data",
    name: "local-folder-example",
    label: "latest",
  },
  {
    at: ["jobs", "validate", "componentId"],
    asset: "components",
    name: "validate_model",
    label: "latest",
  },
  {
    at: ["jobs", "validate", "inputs", "baseline", "uri"],
    asset: "models",
    name: "baseline-model",
    label: "latest",
  },
];

/** Puts `azureml:<name>@<label>` at the reference's place, making an input (`{ type, uri }`) on the way. */
function place(root: Record<string, unknown>, ref: LabelReference): void {
  const type = ref.asset === "models" ? "mlflow_model" : "uri_folder";
  let node = root;
  ref.at.forEach((key, i) => {
    if (i === ref.at.length - 1) {
      node[key] = `azureml:${ref.name}@${ref.label}`;
      return;
    }
    const next = node[key];
    if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
    else {
      // A pipeline input says jobInputType; a node's input, as azure-ai-ml sends it, job_input_type.
      const made: Record<string, unknown> =
        ref.at[0] === "jobs" ? { job_input_type: type } : { jobInputType: type };
      node[key] = made;
      node = made;
    }
  });
}

/**
 * The example workflows compiled, with label references added by hand (the compile side does not
 * emit them yet): each place holds `azureml:<name>@<label>`, as written in a pipeline YAML.
 */
export function labelledExample(labels: LabelReference[] = EXAMPLE_LABELS): CompiledConfig {
  const compiled = compileWorkflows(EXAMPLE_WORKFLOWS);
  if (!compiled.ok) throw compiled.error;
  const config = compiled.value;
  for (const pipeline of Object.values(config.pipelines)) {
    for (const ref of labels) place(pipeline.properties as unknown as Record<string, unknown>, ref);
    pipeline.labels = labels;
  }
  return config;
}

/** `labelledExample()` written as a compiled workflows file in a temp folder; its path. */
export function writeLabelledExample(labels?: LabelReference[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "labelled-")), "workflows.compiled.json");
  writeFileSync(file, JSON.stringify(labelledExample(labels)));
  return file;
}
