import { dirname, resolve } from "node:path";

import { withoutUndefined } from "../../compiled/restShapes";
import { inlineInputs, inlineOutputs, stripPrefix } from "../inlineIo";
import { parallelTask } from "../parallelTask";
import type { RestNode } from "../pipeline";
import { COMPONENT_SOURCES } from "../vocabulary";
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
  const task = parallelTask(node.task, base, context.assets, (p) => resolve(base, p));
  if (!task.ok) {
    reader.problem(at("task"), task.errors.join("; "));
    return undefined;
  }
  parallel.task = task.value;
  return anonymousComponent(
    context,
    withoutUndefined({
      type: "parallel",
      inputs: inlineInputs(node.inputs, context.declaredInputs),
      outputs: inlineOutputs(node.outputs),
      ...parallel,
      task: {
        ...task.value,
        code: stripPrefix(task.value.code),
        environment: stripPrefix(task.value.environment),
      },
      _source: COMPONENT_SOURCES.job,
    }),
  );
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
    own: parallel,
    inputs,
    outputs,
    source: component.source,
  });
}
