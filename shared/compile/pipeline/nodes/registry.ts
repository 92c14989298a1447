import type { Result } from "../../../result";
import type { RestNode } from "../pipeline";
import { compileAutoml } from "./automl";
import { compileCommand } from "./command";
import type { NodeContext } from "./context";
import { compileParallel } from "./parallel";
import { compilePipelineNode } from "./pipeline";
import { compileSpark } from "./spark";
import { compileSweep } from "./sweep";

/** A node's YAML → its REST dict, problems reported; undefined when the node is not a mapping. */
export type NodeCompiler = (rawNode: unknown, context: NodeContext) => RestNode | undefined;

/** How one node type compiles. */
export interface NodeType {
  compile: NodeCompiler;
  /** Such a node without compute runs on the pipeline's, which must then have one. */
  usesPipelineCompute: boolean;
}

/** The node types this converter serializes, by `type:` (a node without one is a command). */
const NODE_TYPES: Record<string, NodeType> = {
  command: { compile: compileCommand, usesPipelineCompute: true },
  pipeline: { compile: compilePipelineNode, usesPipelineCompute: false },
  parallel: { compile: compileParallel, usesPipelineCompute: false },
  spark: { compile: compileSpark, usesPipelineCompute: false },
  sweep: { compile: compileSweep, usesPipelineCompute: true },
  automl: { compile: compileAutoml, usesPipelineCompute: true },
};

/** Node types azure-ai-ml knows; the ones this converter does not serialize yet are named as such. */
const KNOWN_NODE_TYPES = ["command", "pipeline", "parallel", "spark", "sweep", "automl", "import"];

/** The node type `type:` names, or why it cannot be compiled. */
export function nodeType(type: string): Result<NodeType> {
  const found = Object.hasOwn(NODE_TYPES, type) ? NODE_TYPES[type] : undefined;
  if (found) return { ok: true, value: found };
  const supported = Object.keys(NODE_TYPES);
  return {
    ok: false,
    errors: [
      KNOWN_NODE_TYPES.includes(type)
        ? `${type} nodes are not supported yet; supported: ${supported.join(", ")} (no type is command)`
        : `unknown node type "${type}"; Azure ML knows ${KNOWN_NODE_TYPES.join(", ")}`,
    ],
  };
}
