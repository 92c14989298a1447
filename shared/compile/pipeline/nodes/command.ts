import type { RestNode } from "../pipeline";
import { componentFile, runComponent } from "./component";
import type { NodeContext } from "./context";
import { nodeInputs, nodeOutputs } from "./io";
import { checkOwnedKeys, nodeCompute, readNode, requireComponent } from "./readNode";
import { COMMAND_SETTINGS, commandSettings, restNode } from "./restNode";

/** A command node: a component (a reference, a file or inline), or an inline command job. */
export function compileCommand(rawNode: unknown, context: NodeContext): RestNode | undefined {
  const read = readNode(rawNode, context);
  if (!read) return undefined;
  const { node } = read;
  requireComponent(read, "command", context);
  checkOwnedKeys(node, "command", context);
  const inputs = nodeInputs(node, context);
  const outputs = nodeOutputs(node, context);
  const computeId = nodeCompute(node, context);
  const component = runComponent(context, node, read.inlineSpec, {
    type: "command",
    key: "component",
    fromFile: componentFile,
    inline: true,
  });
  return restNode(context, node, {
    type: "command",
    componentId: component.id,
    computeId,
    settings: commandSettings(context, node, "command", COMMAND_SETTINGS),
    inputs,
    outputs,
    source: component.source,
    declared: component.declared,
  });
}
