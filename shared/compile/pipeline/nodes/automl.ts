import * as z from "zod/mini";

import { withoutUndefined } from "../../../compiled/restShapes";
import { isRecord } from "../../../guards";
import type { MappingSpec } from "../../config/fields";
import type { RestNode } from "../pipeline";
import { ANY_BINDING, type Path } from "../pipelineReader";
import type { NodeContext } from "./context";
import { nodeOutputs } from "./io";
import { nodeCompute, readNode } from "./readNode";
import { searchSpaceText } from "./searchSpace";

/** The AutoML tasks a pipeline node can run (azure-ai-ml's automl node types). */
export const AUTOML_TASKS = [
  "classification",
  "regression",
  "forecasting",
  "image_classification",
  "image_classification_multilabel",
  "image_object_detection",
  "image_instance_segmentation",
  "text_classification",
  "text_classification_multilabel",
  "text_ner",
] as const;

/** Data an AutoML node reads: bindings to pipeline inputs or other jobs' outputs. */
const DATA_KEYS = ["training_data", "validation_data", "test_data"];

const settingValue = z.unknown();

/** An `type: automl` node; its task settings are checked by the service, as azure-ai-ml leaves them. */
export const AUTOML_NODE_SPEC: MappingSpec = {
  what: "an automl node",
  required: ["task", "training_data"],
  refused: {
    inputs: "an automl node reads training_data, validation_data and test_data, not inputs",
    name: "remove it: the node's name is its key under jobs",
  },
  fields: {
    type: z.literal("automl"),
    task: z.enum(AUTOML_TASKS),
    compute: z.string().check(z.minLength(1)),
    display_name: z.string(),
    description: z.string(),
    experiment_name: z.string(),
    tags: z.record(z.string(), z.string()),
    properties: z.record(z.string(), z.string()),
    log_verbosity: z.enum(["not_set", "debug", "info", "warning", "error", "critical"]),
    primary_metric: z.string(),
    target_column_name: z.string(),
    training_data: z.string(),
    validation_data: z.string(),
    test_data: z.string(),
    validation_data_size: z.number(),
    test_data_size: z.number(),
    n_cross_validations: z.union([z.number(), z.string()]),
    cv_split_column_names: z.array(z.string()),
    weight_column_name: z.string(),
    positive_label: z.string(),
    limits: z.record(z.string(), settingValue),
    featurization: z.record(z.string(), settingValue),
    training: z.record(z.string(), settingValue),
    forecasting: z.record(z.string(), settingValue),
    training_parameters: z.record(z.string(), settingValue),
    sweep: z.record(z.string(), settingValue),
    search_space: z.array(z.record(z.string(), settingValue)),
    outputs: z.record(z.string(), z.unknown()),
    identity: z.record(z.string(), settingValue),
  },
};

function checkBindings(value: unknown, path: Path, context: NodeContext): void {
  if (typeof value === "string" && ANY_BINDING.test(value)) context.isBinding(path, value, "input");
  else if (Array.isArray(value))
    value.forEach((item, i) => {
      checkBindings(item, [...path, i], context);
    });
  else if (isRecord(value))
    for (const [key, item] of Object.entries(value)) checkBindings(item, [...path, key], context);
}

/** An AutoML node's search spaces, each distribution as its text. */
function searchSpaces(
  node: Record<string, unknown>,
  context: NodeContext,
): Record<string, string>[] | undefined {
  if (!Array.isArray(node.search_space)) return undefined;
  return node.search_space.map((entry: unknown, i) => {
    const converted: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry as Record<string, unknown>)) {
      const text = searchSpaceText(value);
      if (text.ok) converted[name] = text.value;
      else context.reader.problem(context.at("search_space", i, name), text.errors.join("; "));
    }
    return converted;
  });
}

const NLP_TASKS = ["text_classification", "text_classification_multilabel", "text_ner"];

/**
 * An AutoML node as azure-ai-ml writes it into a pipeline (`AutoMLJob._to_dict(inside_pipeline=True)`):
 * the YAML's own snake_case keys, data as bindings, search spaces as distribution text, and
 * `log_verbosity`, `tags` and `outputs` always present.
 */
export function compileAutoml(rawNode: unknown, context: NodeContext): RestNode | undefined {
  const { reader, at } = context;
  const read = readNode(rawNode, context, { spec: AUTOML_NODE_SPEC });
  if (!read) return undefined;
  const { node } = read;
  // An automl node takes no inputs (its spec refuses them): its data are bindings of their own.
  const outputs = nodeOutputs(node, context);
  const computeId = nodeCompute(node, context);
  for (const key of DATA_KEYS) {
    const value = node[key];
    if (typeof value !== "string") continue;
    if (ANY_BINDING.test(value)) context.isBinding(at(key), value, "input");
    else
      reader.problem(
        at(key),
        `${key} is a binding: \${{parent.inputs.<name>}} (a pipeline input holding the data) or \${{parent.jobs.<node>.outputs.<name>}}`,
      );
  }
  for (const key of ["target_column_name", "primary_metric", "limits", "training", "featurization"])
    checkBindings(node[key], at(key), context);
  const searchSpace = searchSpaces(node, context);
  const rest: Record<string, unknown> = { ...node };
  delete rest.compute;
  // Defaults AutoMLJob's dump writes: an NLP job's limits hold max_nodes, a bandit policy its slack_amount.
  if (
    NLP_TASKS.includes(String(node.task)) &&
    isRecord(node.limits) &&
    node.limits.max_nodes === undefined
  )
    rest.limits = { ...node.limits, max_nodes: 1 };
  const sweep = isRecord(node.sweep) ? node.sweep : undefined;
  const policy = isRecord(sweep?.early_termination) ? sweep.early_termination : undefined;
  if (policy !== undefined && policy.type === "bandit" && policy.slack_amount === undefined)
    rest.sweep = { ...sweep, early_termination: { ...policy, slack_amount: 0 } };
  return withoutUndefined({
    ...rest,
    name: context.nodeName,
    type: "automl",
    compute: computeId,
    // An NLP job's dump has no log_verbosity unless written; the others default to info.
    log_verbosity:
      node.log_verbosity ?? (NLP_TASKS.includes(String(node.task)) ? undefined : "info"),
    // AutoMLJob's dump writes the primary metric as its enum's snake_case value.
    primary_metric:
      typeof node.primary_metric === "string"
        ? node.primary_metric.toLowerCase()
        : node.primary_metric,
    tags: node.tags ?? {},
    properties: node.properties ?? {},
    search_space: searchSpace,
    outputs,
  });
}
