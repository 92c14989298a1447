import { sparkSpec } from "../components";
import type { RestNode } from "../pipeline";
import {
  anonymousComponent,
  checkAgainstComponent,
  componentFile,
  nodeComponent,
} from "./component";
import type { NodeContext } from "./context";
import { nodeInputs, nodeOutputs } from "./io";
import { checkOwnedKeys, nodeCompute, readNode, requireComponent } from "./readNode";
import { commandSettings, restNode } from "./restNode";
import { sparkSettings } from "./sparkSettings";

/** A spark node: a spark component (a reference or a file), or an inline spark job (code and entry). */
export function compileSpark(rawNode: unknown, context: NodeContext): RestNode | undefined {
  const { reader, at } = context;
  const read = readNode(rawNode, context, { inlineComponent: sparkSpec });
  if (!read) return undefined;
  const { node } = read;
  requireComponent(read, "spark", context);
  checkOwnedKeys(node, "spark", context);
  const settings = sparkSettings(node);
  if (!settings.ok) reader.problem(at(), settings.errors.join("; "));
  if (node.compute === undefined && node.resources === undefined)
    reader.problem(
      at(),
      "a spark node needs compute (an attached Synapse pool) or resources (serverless spark)",
    );
  const inputs = nodeInputs(node, context);
  const outputs = nodeOutputs(node, context);
  const computeId = nodeCompute(node, context);
  const component =
    read.inlineSpec === undefined
      ? nodeComponent(context, node, {
          type: "spark",
          key: "component",
          fromFile: componentFile,
          inline: false,
        })
      : anonymousComponent(context, read.inlineSpec);
  checkAgainstComponent(context, node, component.declared);
  return restNode(context, node, {
    type: "spark",
    componentId: component.id,
    computeId,
    settings: commandSettings(context, node, "spark", ["distribution", "limits", "services"]),
    own: settings.ok ? settings.value : {},
    inputs,
    outputs,
    source: component.source,
  });
}
