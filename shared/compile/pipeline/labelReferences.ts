import type { LabelledAssetKind, LabelReference } from "../../compiled/compiledConfig";
import { isRecord } from "../../guards";

const LATEST = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]*)@(latest)$/;
const MODEL_TYPES = new Set(["mlflow_model", "custom_model", "triton_model"]);

function reference(at: string[], value: unknown, asset: LabelledAssetKind): LabelReference[] {
  const match = typeof value === "string" ? LATEST.exec(value) : null;
  return match ? [{ at, asset, name: match[1] ?? "", label: match[2] ?? "" }] : [];
}

function inputs(at: string[], record: unknown, typeKey: string): LabelReference[] {
  if (!isRecord(record)) return [];
  return Object.entries(record).flatMap(([name, input]) =>
    isRecord(input)
      ? reference(
          [...at, name, "uri"],
          input.uri,
          MODEL_TYPES.has(String(input[typeKey])) ? "models" : "data",
        )
      : [],
  );
}

/**
 * Where a compiled body names an asset `@latest` (pipeline and node inputs, node components, a
 * sweep's trial, the job's component): each is looked up when a job is submitted.
 */
export function labelReferences(properties: Record<string, unknown>): LabelReference[] {
  const found = [
    ...inputs(["inputs"], properties.inputs, "jobInputType"),
    ...reference(["componentId"], properties.componentId, "components"),
  ];
  const jobs = isRecord(properties.jobs) ? properties.jobs : {};
  for (const [name, node] of Object.entries(jobs)) {
    if (!isRecord(node)) continue;
    found.push(
      ...inputs(["jobs", name, "inputs"], node.inputs, "job_input_type"),
      ...reference(["jobs", name, "componentId"], node.componentId, "components"),
      ...(isRecord(node.trial)
        ? reference(["jobs", name, "trial", "componentId"], node.trial.componentId, "components")
        : []),
    );
  }
  return found;
}
