import type { RestNode } from "../pipeline";
import { componentFile, runComponent } from "./component";
import type { NodeContext } from "./context";
import { nodeInputs, nodeOutputs } from "./io";
import { checkOwnedKeys, nodeCompute, readNode } from "./readNode";
import { commandSettings, restNode } from "./restNode";
import { sweepSettings } from "./sweepSettings";

/** A sweep node: a trial component (a reference, a file or inline) run over a search space. */
export function compileSweep(rawNode: unknown, context: NodeContext): RestNode | undefined {
  const { reader, at } = context;
  const read = readNode(rawNode, context);
  if (!read) return undefined;
  const { node } = read;
  if (node.component !== undefined)
    reader.problem(at("component"), "a sweep node names its component as trial");
  checkOwnedKeys(node, "sweep", context);
  const settings = sweepSettings(node);
  if (!settings.ok) reader.problem(at(), settings.errors.join("; "));
  const inputs = nodeInputs(node, context);
  const outputs = nodeOutputs(node, context);
  const computeId = nodeCompute(node, context);
  const component = runComponent(context, node, read.inlineSpec, {
    type: "sweep",
    key: "trial",
    fromFile: componentFile,
    inline: true,
  });
  return restNode(context, node, {
    type: "sweep",
    trial: component.id === undefined ? undefined : { componentId: component.id },
    computeId,
    settings: {
      ...commandSettings(context, node, "sweep", ["resources", "distribution", "services"]),
      // A sweep's limits (max_total_trials, timeout, ...) are sent as written.
      limits: node.limits,
    },
    own: settings.ok ? settings.value : {},
    inputs,
    outputs,
    source: component.source,
    declared: component.declared,
  });
}
