import { dirname } from "node:path";

import { COMPONENT_SOURCES } from "../../../compiled/vocabulary";
import { isRecord } from "../../../guards";
import type { MappingSpec } from "../../config/fields";
import { commandSpec } from "../components";
import { inlineInputs, inlineOutputs, inlineSources } from "../inlineIo";
import { NODE_SPEC } from "../pipelineSchema";
import { workspaceResourceReference } from "../references";
import type { NodeContext } from "./context";
import { PARALLEL_KEYS } from "./parallelSettings";
import { SPARK_NODE_KEYS } from "./sparkSettings";
import { SWEEP_NODE_KEYS } from "./sweepSettings";

/** Keys only one node type takes (resources is shared). */
const OWNED_KEYS: [string, string[]][] = [
  ["parallel", PARALLEL_KEYS.filter((k) => k !== "resources")],
  ["spark", SPARK_NODE_KEYS.filter((k) => k !== "resources")],
  ["sweep", SWEEP_NODE_KEYS],
];
// Keys of an inline job that go into its anonymous component rather than onto the node.
const INLINE_JOB_KEYS = ["command", "code", "environment"];
const INLINE_NODE_SPEC: MappingSpec = {
  ...NODE_SPEC,
  required: [],
  refused: Object.fromEntries(
    Object.entries(NODE_SPEC.refused ?? {}).filter(([k]) => !INLINE_JOB_KEYS.includes(k)),
  ),
};

/** A node's YAML, checked, and the anonymous component an inline job on it makes. */
export interface ReadNode {
  /** The node's keys that passed their checks. */
  node: Record<string, unknown>;
  /** The node as written. */
  raw: Record<string, unknown>;
  /** True when the node is an inline job (command, code or environment on the node itself). */
  inline: boolean;
  /** An inline job's anonymous component spec; undefined when it is refused. */
  inlineSpec?: Record<string, unknown>;
}

/** How a node type reads: its own mapping spec, and what its inline job's component is. */
export interface NodeReading {
  spec?: MappingSpec;
  inlineComponent?: typeof commandSpec;
}

/**
 * Checks a node's keys; an inline job (command, code or environment on the node) becomes an
 * anonymous component, as azure-ai-ml does. Undefined when the node is not a mapping.
 */
export function readNode(
  rawNode: unknown,
  context: NodeContext,
  reading: NodeReading = {},
): ReadNode | undefined {
  const { reader, at } = context;
  let checked: unknown = rawNode;
  let inlineSpec: Record<string, unknown> | undefined;
  const inline = isRecord(rawNode) && INLINE_JOB_KEYS.some((k) => k in rawNode);
  if (isRecord(rawNode) && inline) {
    if (rawNode.component !== undefined)
      reader.problem(at("component"), "a node has a component or an inline command, not both");
    inlineSpec = (reading.inlineComponent ?? commandSpec)(
      {
        ...rawNode,
        inputs: inlineInputs(
          rawNode.inputs,
          context.declaredInputs,
          context.outputTypeOf,
          inlineSources(context),
        ),
        outputs: inlineOutputs(rawNode.outputs, context.declaredOutputs),
      },
      dirname(context.file),
      context.assets,
      (path, message) => {
        reader.problem(path, message);
      },
      at,
      COMPONENT_SOURCES.job,
    );
    checked = Object.fromEntries(
      Object.entries(rawNode).filter(([k]) => !INLINE_JOB_KEYS.includes(k)),
    );
  }
  const node = reader.mapping(
    at(),
    checked,
    reading.spec ?? (inline ? INLINE_NODE_SPEC : NODE_SPEC),
  );
  if (!node || !isRecord(rawNode)) return undefined;
  return { node, raw: rawNode, inline, inlineSpec };
}

/** A node that is not an inline job needs a component. */
export function requireComponent(read: ReadNode, type: string, context: NodeContext): void {
  if (!read.inline && read.raw.component === undefined)
    context.reader.problem(
      context.at(),
      `a ${type} node needs a component (or, for a command, an inline command)`,
    );
}

/** Keys another node type owns are refused on this one. */
export function checkOwnedKeys(
  node: Record<string, unknown>,
  type: string,
  context: NodeContext,
): void {
  for (const [owner, keys] of OWNED_KEYS)
    if (type !== owner)
      for (const key of keys)
        if (node[key] !== undefined)
          context.reader.problem(context.at(key), `${key} is set on ${owner} nodes only`);
}

/** A node's compute: a binding or serverless as written, a name as the workspace compute's id. */
export function nodeCompute(
  node: Record<string, unknown>,
  context: NodeContext,
): string | undefined {
  const { reader, at } = context;
  if (typeof node.compute !== "string") return undefined;
  // `serverless` is the workspace's compute of that name to azure-ai-ml, like any other.
  return context.isBinding(at("compute"), node.compute, "input")
    ? node.compute
    : reader.refer(at("compute"), workspaceResourceReference("computes", node.compute));
}
