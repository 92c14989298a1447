import { isRecord } from "../../../guards";
import { sparkSpec } from "../components";
import type { RestNode } from "../pipeline";
import { componentFile, runComponent } from "./component";
import type { NodeContext } from "./context";
import { nodeInputs, nodeOutputs } from "./io";
import { checkOwnedKeys, nodeCompute, readNode, requireComponent } from "./readNode";
import { commandSettings, restNode } from "./restNode";
import { restSparkEntry, sparkSettings } from "./sparkSettings";

/**
 * What azure-ai-ml's Spark node repeats from its component when the node does not set it (entry,
 * args, conf, files), and its default identity: managed on an attached pool, the user's on
 * serverless spark.
 */
function fromComponent(
  own: Record<string, unknown>,
  spec: Record<string, unknown> | undefined,
  node: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...own };
  if (spec !== undefined) {
    for (const key of ["conf", "args", "py_files", "jars", "files", "archives"])
      if (out[key] === undefined && spec[key] !== undefined) out[key] = spec[key];
    if (out.entry === undefined && spec.entry !== undefined) {
      const entry = restSparkEntry(spec.entry);
      if (entry.ok) out.entry = entry.value;
    }
  }
  // With dynamic allocation on, azure-ai-ml starts as many executors as the minimum.
  const conf = isRecord(out.conf) ? out.conf : undefined;
  if (
    conf !== undefined &&
    conf["spark.executor.instances"] === undefined &&
    String(conf["spark.dynamicAllocation.enabled"]).toLowerCase() === "true" &&
    conf["spark.dynamicAllocation.minExecutors"] !== undefined
  )
    out.conf = {
      ...conf,
      "spark.executor.instances": conf["spark.dynamicAllocation.minExecutors"],
    };
  if (out.identity === undefined && node.compute !== undefined)
    out.identity = { identity_type: "Managed" };
  else if (out.identity === undefined && node.resources !== undefined)
    out.identity = { identity_type: "UserIdentity" };
  return out;
}

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
  const component = runComponent(context, node, read.inlineSpec, {
    type: "spark",
    key: "component",
    fromFile: componentFile,
    inline: false,
  });
  const own = settings.ok ? fromComponent(settings.value, component.spec, node) : {};
  return restNode(context, node, {
    type: "spark",
    componentId: component.id,
    computeId,
    settings: commandSettings(context, node, "spark", ["distribution", "limits", "services"]),
    own,
    inputs,
    outputs,
    source: component.source,
    declared: component.declared,
  });
}
