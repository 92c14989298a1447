import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A minimal valid pipeline, for configs under test. */
export const MINIMAL_PIPELINE = `type: pipeline
settings:
  default_compute: azureml:cpu-cluster
inputs:
  model:
    type: mlflow_model
    path: azureml:m:1
  model_name: m
  threshold: 0.5
jobs:
  check:
    type: command
    component: azureml:check:1
    inputs:
      model: \${{parent.inputs.model}}
      model_name: \${{parent.inputs.model_name}}
`;

/** Writes files into a fresh temp folder and returns the path of `workflows.yaml` in it. */
export function writeConfig(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "workflows-"));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return join(dir, "workflows.yaml");
}

/** A YAML "billion laughs": ten levels of aliases that would expand to 10^10 nodes. */
export function yamlAliasBomb(): string {
  const level = (i: number) => String.fromCharCode(97 + i);
  return [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ...Array.from(
      { length: 9 },
      (_, i) =>
        `${level(i + 1)}: &${level(i + 1)} [${Array<string>(10)
          .fill(`*${level(i)}`)
          .join(", ")}]`,
    ),
  ].join("\n");
}
