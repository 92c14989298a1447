import { dirname } from "node:path";

import { withoutUndefined } from "../../../compiled/restShapes";
import { COMPONENT_SOURCES } from "../../../compiled/vocabulary";
import { inlineInputs, inlineOutputs, inlineSources } from "../inlineIo";
import { parallelTask } from "../parallelTask";
import type { RestNode } from "../pipeline";
import {
  anonymousComponent,
  checkAgainstComponent,
  componentFile,
  type NodeComponent,
  nodeComponent,
} from "./component";
import type { NodeContext } from "./context";
import { nodeInputs, nodeOutputs } from "./io";
import { parallelSettings } from "./parallelSettings";
import { checkOwnedKeys, nodeCompute, readNode } from "./readNode";
import { commandSettings, restNode } from "./restNode";

/**
 * The anonymous parallel component an inline task makes, as azure-ai-ml does; undefined without a
 * task, or when it is refused.
 */
function taskComponent(
  context: NodeContext,
  node: Record<string, unknown>,
  parallel: Record<string, unknown>,
): NodeComponent | undefined {
  const { reader, at } = context;
  const base = dirname(context.file);
  if (node.task === undefined) {
    if (node.component === undefined)
      reader.problem(at(), "a parallel node needs a component or a task");
    return undefined;
  }
  const task = parallelTask(node.task, base, context.assets);
  if (!task.ok) {
    reader.problem(at("task"), task.errors.join("; "));
    return undefined;
  }
  parallel.task = task.value;
  return anonymousComponent(
    context,
    withoutUndefined({
      type: "parallel",
      inputs: inlineInputs(
        node.inputs,
        context.declaredInputs,
        context.outputTypeOf,
        inlineSources(context),
      ),
      outputs: inlineOutputs(node.outputs, context.declaredOutputs),
      ...parallel,
      task: {
        ...task.value,
      },
      _source: COMPONENT_SOURCES.job,
    }),
  );
}

// What azure-ai-ml's Parallel node takes from its component when the node leaves it out.
const FROM_COMPONENT = [
  "resources",
  "input_data",
  "max_concurrency_per_instance",
  "mini_batch_error_threshold",
  "mini_batch_size",
  "partition_keys",
] as const;

/** The node's settings, completed from a parallel component file's as azure-ai-ml completes them. */
function fromComponent(
  own: Record<string, unknown>,
  spec: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (spec === undefined) return own;
  const converted = parallelSettings(spec);
  if (!converted.ok) return own;
  const out = { ...own };
  for (const key of FROM_COMPONENT)
    if (out[key] === undefined && converted.value[key] !== undefined)
      out[key] = converted.value[key];
  if (out.task === undefined && spec.task !== undefined) out.task = spec.task;
  return out;
}

/** A parallel node: a parallel component (a reference or a file), or an inline task. */
export function compileParallel(rawNode: unknown, context: NodeContext): RestNode | undefined {
  const { reader, at } = context;
  const read = readNode(rawNode, context);
  if (!read) return undefined;
  const { node } = read;
  checkOwnedKeys(node, "parallel", context);
  const inputs = nodeInputs(node, context);
  const outputs = nodeOutputs(node, context);
  const computeId = nodeCompute(node, context);
  const settings = parallelSettings(node);
  if (!settings.ok) reader.problem(at(), settings.errors.join("; "));
  const parallel = settings.ok ? settings.value : {};
  const component =
    taskComponent(context, node, parallel) ??
    (read.inlineSpec === undefined
      ? nodeComponent(context, node, {
          type: "parallel",
          key: "component",
          fromFile: componentFile,
          inline: false,
        })
      : anonymousComponent(context, read.inlineSpec));
  checkAgainstComponent(context, node, component.declared);
  return restNode(context, node, {
    type: "parallel",
    componentId: component.id,
    computeId,
    settings: commandSettings(context, node, "parallel", ["distribution", "limits", "services"]),
    own: fromComponent(parallel, component.spec),
    inputs,
    outputs,
    source: component.source,
    declared: component.declared,
  });
}
