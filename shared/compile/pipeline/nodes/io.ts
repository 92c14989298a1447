import { withoutUndefined } from "../../../compiled/restShapes";
import { INPUT_MODES, OUTPUT_MODES } from "../../../compiled/vocabulary";
import { isRecord } from "../../../guards";
import { ANY_BINDING } from "../pipelineReader";
import { BINDING } from "./bindings";
import type { NodeContext } from "./context";

// Node entries are plain snake_case dicts, as azure-ai-ml writes them.

/** A node's inputs: bindings and literals as `literal`, assets by their type and URI. */
export function nodeInputs(
  node: Record<string, unknown>,
  context: NodeContext,
): Record<string, Record<string, unknown>> {
  const { reader, at, isBinding } = context;
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of reader.entries(at("inputs"), node.inputs)) {
    const path = at("inputs", name);
    if (value === null) continue;
    if (typeof value === "string" && isBinding(path, value, "input")) {
      inputs[name] = { job_input_type: "literal", value };
    } else if (isRecord(value)) {
      const asset = reader.assetInput(path, value);
      if (!asset) continue;
      const mode = asset.mode === undefined ? undefined : INPUT_MODES[asset.mode];
      if (asset.path !== undefined && isBinding([...path, "path"], asset.path, "input"))
        inputs[name] = withoutUndefined({
          job_input_type: "literal",
          value: asset.path,
          mode,
        });
      else if (asset.path === undefined)
        reader.problem(path, "a node's asset input needs a path, or a binding to a pipeline input");
      else {
        const uri = reader.assetUri([...path, "path"], asset.type, asset.path);
        if (uri !== undefined)
          inputs[name] = withoutUndefined({ job_input_type: asset.type, uri, mode });
      }
    } else if (value === "") {
      // azure-ai-ml sends a node's empty literal as it is, so the component's default does not apply.
      inputs[name] = { job_input_type: "literal", value: "" };
    } else {
      const text = reader.literal(path, value);
      if (text !== undefined) inputs[name] = { job_input_type: "literal", value: text };
    }
  }
  return inputs;
}

/** A node's outputs: bindings to pipeline outputs as `literal`, the rest by type, mode and asset name. */
export function nodeOutputs(
  node: Record<string, unknown>,
  context: NodeContext,
): Record<string, Record<string, unknown>> {
  const { reader, at, isBinding } = context;
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of reader.entries(at("outputs"), node.outputs)) {
    const path = at("outputs", name);
    // azure-ai-ml drops an output with nothing configured ("Remove non-configured output").
    if (value === null) continue;
    if (typeof value === "string") {
      if (!isBinding(path, value, "output") && !ANY_BINDING.test(value))
        reader.problem(
          path,
          `a node output is a binding \${{parent.outputs.<name>}} or a mapping with type and mode`,
        );
      outputs[name] = { type: "literal", value };
      continue;
    }
    const output = reader.output(path, value);
    if (!output) continue;
    const mode = output.mode === undefined ? undefined : OUTPUT_MODES[output.mode];
    const named = { name: output.assetName, version: output.assetVersion };
    if (output.uri !== undefined && BINDING.test(output.uri)) {
      isBinding([...path, "path"], output.uri, "output");
      outputs[name] = withoutUndefined({ type: "literal", value: output.uri, mode, ...named });
    } else
      outputs[name] = withoutUndefined({
        job_output_type: output.type,
        uri: output.uri,
        mode,
        ...named,
      });
  }
  return outputs;
}
