import { withoutUndefined } from "../../../compiled/restShapes";
import type { Result } from "../../../result";
import type { ComponentInterface } from "../components";
import type { RestNode } from "../pipeline";
import type { NodeContext } from "./context";
import { restCommandLimits, restDistribution, restResources, restServices } from "./nodeSettings";

/** The settings a command node takes as REST dicts; another node type refuses the ones it does not own. */
export type CommandSetting = "resources" | "distribution" | "limits" | "services";

/** Every command setting, in the order they are checked. */
export const COMMAND_SETTINGS: readonly CommandSetting[] = [
  "resources",
  "distribution",
  "limits",
  "services",
];

const CONVERT: Record<CommandSetting, (value: unknown) => Result<Record<string, unknown>>> = {
  resources: restResources,
  distribution: restDistribution,
  limits: restCommandLimits,
  services: restServices,
};

/** `keys` of a node converted when it is a command node, each one set reported on any other type. */
export function commandSettings(
  context: NodeContext,
  node: Record<string, unknown>,
  type: string,
  keys: readonly CommandSetting[],
): Partial<Record<CommandSetting, unknown>> {
  const { reader, at } = context;
  const settings: Partial<Record<CommandSetting, unknown>> = {};
  for (const key of keys) {
    if (node[key] === undefined) continue;
    if (type !== "command") {
      reader.problem(at(key), `${key} is set on command nodes only`);
      continue;
    }
    const converted = CONVERT[key](node[key]);
    if (converted.ok) settings[key] = converted.value;
    else reader.problem(at(key), converted.errors.join("; "));
  }
  return settings;
}

/** What a node compiler puts into the node dict besides the keys every node carries. */
export interface RestNodeParts {
  type: string;
  componentId?: string;
  /** A sweep's trial, in place of a component. */
  trial?: { componentId: string };
  computeId?: string;
  settings: Partial<Record<CommandSetting, unknown>>;
  /** The node type's own keys (a parallel node's task, a spark node's entry, ...). */
  own?: Record<string, unknown>;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** Where its component came from (`_source`). */
  source: string;
  /** What its component declares: an input it does not declare (refused, or for a pipeline component warned about) is left out, as azure-ai-ml leaves it. */
  declared?: ComponentInterface;
}

/** A node as the jobs API takes it inside `jobs`: a snake_case dict, unset keys left out. */
export function restNode(
  context: NodeContext,
  node: Record<string, unknown>,
  parts: RestNodeParts,
): RestNode {
  const { settings, declared } = parts;
  const inputs =
    declared === undefined
      ? parts.inputs
      : Object.fromEntries(
          Object.entries(parts.inputs).filter(([name]) => Object.hasOwn(declared.inputs, name)),
        );
  return withoutUndefined({
    name: context.nodeName,
    type: parts.type,
    componentId: parts.componentId,
    trial: parts.trial,
    computeId: parts.computeId,
    resources: settings.resources,
    distribution: settings.distribution,
    limits: settings.limits,
    services: settings.services,
    display_name: node.display_name,
    tags: node.tags,
    environment_variables: node.environment_variables,
    // An own key named above (parallel's and spark's resources) keeps that key's place in the dict.
    ...parts.own,
    inputs: Object.keys(inputs).length > 0 ? inputs : undefined,
    outputs: Object.keys(parts.outputs).length > 0 ? parts.outputs : undefined,
    _source: parts.source,
  });
}
