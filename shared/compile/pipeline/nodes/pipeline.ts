import type { RestNode } from "../pipeline";
import { runComponent } from "./component";
import type { NodeContext } from "./context";
import { nodeInputs, nodeOutputs } from "./io";
import { checkOwnedKeys, nodeCompute, readNode, requireComponent } from "./readNode";
import { COMMAND_SETTINGS, commandSettings, restNode } from "./restNode";

/** A node running a pipeline component: a registered one, or a pipeline component file compiled here. */
export function compilePipelineNode(rawNode: unknown, context: NodeContext): RestNode | undefined {
  const read = readNode(rawNode, context);
  if (!read) return undefined;
  const { node } = read;
  requireComponent(read, "pipeline", context);
  checkOwnedKeys(node, "pipeline", context);
  const inputs = nodeInputs(node, context);
  const outputs = nodeOutputs(node, context);
  const computeId = nodeCompute(node, context);
  const component = runComponent(context, node, read.inlineSpec, {
    type: "pipeline",
    key: "component",
    fromFile: (c, path, reference) => c.pipelineComponent(path, reference),
    inline: false,
  });
  return restNode(context, node, {
    type: "pipeline",
    componentId: component.id,
    computeId,
    settings: commandSettings(context, node, "pipeline", COMMAND_SETTINGS),
    inputs,
    outputs,
    source: component.source,
    declared: component.declared,
  });
}
