import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

import { COMPONENT_SOURCES } from "../../../compiled/vocabulary";
import { isRecord } from "../../../guards";
import { didYouMean } from "../../config/closest";
import {
  commandSpec,
  componentFromFile,
  type ComponentInterface,
  componentInterface,
} from "../components";
import type { Path } from "../pipelineReader";
import { componentReference, localComponentFile } from "../references";
import type { LoadedComponent, NodeContext } from "./context";

/** The component a node runs: its id (undefined when refused), what its file declares, its `_source`. */
export interface NodeComponent {
  id?: string;
  declared?: ComponentInterface;
  /** The component's spec, when it is a file or inline. */
  spec?: Record<string, unknown>;
  source: string;
}

/** Reads and registers a component file a node names; undefined when refused (problems reported). */
export type ComponentFileLoader = (
  context: NodeContext,
  path: Path,
  reference: string,
  /** The `_source` its spec carries. */
  origin: string,
) => LoadedComponent | undefined;

/** How a node type names its component. */
export interface ComponentKey {
  type: string;
  /** The key holding it: a sweep's trial, every other node's component. */
  key: "component" | "trial";
  fromFile: ComponentFileLoader;
  /** Whether the key may hold an inline command component. */
  inline: boolean;
}

/** The anonymous component an inline job or task makes, registered as coming from this node. */
export function anonymousComponent(
  context: NodeContext,
  spec: Record<string, unknown> | undefined,
  where = "",
): NodeComponent {
  return {
    id:
      spec === undefined
        ? undefined
        : context.assets.component(spec, context.file, `#jobs.${context.nodeName}${where}`),
    source: COMPONENT_SOURCES.job,
  };
}

/** A command, parallel or spark component file, read and registered as azure-ai-ml does at submit time. */
export const componentFile: ComponentFileLoader = (context, at, reference, origin) => {
  const path = resolve(dirname(context.file), reference);
  if (existsSync(path))
    return componentFromFile(
      path,
      relative(process.cwd(), path) || path,
      context.assets,
      context.reader.issues,
      origin,
    );
  context.reader.problem(
    at,
    `component file not found: ${reference} (paths resolve against ${dirname(context.displayName) || "."})`,
  );
  return undefined;
};

/** The component a node's `component:` (or a sweep's `trial:`) names: a file, a reference or inline. */
export function nodeComponent(
  context: NodeContext,
  node: Record<string, unknown>,
  how: ComponentKey,
): NodeComponent {
  const { reader } = context;
  const ref = node[how.key];
  const at = context.at(how.key);
  if (typeof ref === "string") {
    const file = localComponentFile(ref);
    if (file !== undefined) {
      // azure-ai-ml loads `file:<path>` as part of the job, a bare path as a component of its own.
      const source = ref.startsWith("file:") ? COMPONENT_SOURCES.job : COMPONENT_SOURCES.component;
      const loaded = how.fromFile(context, at, file, source);
      return { id: loaded?.id, declared: loaded?.declared, spec: loaded?.spec, source };
    }
    const id = reader.refer(at, componentReference(ref));
    return {
      id,
      source:
        id?.startsWith("azureml://registries/") === true
          ? COMPONENT_SOURCES.registry
          : COMPONENT_SOURCES.workspace,
    };
  }
  if (isRecord(ref) && how.inline) {
    const spec = commandSpec(
      ref,
      dirname(context.file),
      context.assets,
      (path, message) => {
        reader.problem(path, message);
      },
      (...p) => [...at, ...p],
      COMPONENT_SOURCES.job,
    );
    return {
      ...anonymousComponent(context, spec, `.${how.key}`),
      declared: componentInterface(`written inline at jobs.${context.nodeName}.${how.key}`, ref),
    };
  }
  if (ref !== undefined) reader.problem(at, `an inline ${how.type} component is not supported yet`);
  return { source: COMPONENT_SOURCES.workspace };
}

/**
 * A node against the component it runs: every required input given (as az ml checks), no output
 * it does not declare (as az ml checks), and no input it does not declare. azure-ai-ml drops such
 * an input without a word, so what the user meant would be lost: it is refused, or for a pipeline
 * component only said (`undeclared: "warn"`), because azureml-examples' own
 * cli/jobs/pipelines-with-components/pipeline_with_pipeline_component/nyc_taxi_data_regression_with_pipeline_component
 * passes test_split_ratio to a data_pipeline that does not declare it.
 */
export function checkAgainstComponent(
  context: NodeContext,
  node: Record<string, unknown>,
  declared: ComponentInterface | undefined,
  undeclared: "refuse" | "warn" = "refuse",
): void {
  // A workspace or registry component (azureml:name:version, azureml://registries/...) declares
  // its inputs and outputs in Azure, out of reach at compile time: nothing to check it against.
  if (!declared) return;
  const { reader, at } = context;
  const inputs = isRecord(node.inputs) ? node.inputs : {};
  // A sweep's search space gives the trial its inputs too.
  const given = { ...inputs, ...(isRecord(node.search_space) ? node.search_space : {}) };
  const declaredInputs = Object.keys(declared.inputs);
  for (const [name, input] of Object.entries(declared.inputs))
    if (input.required && (given[name] === undefined || given[name] === null))
      reader.problem(
        isRecord(node.inputs) ? at("inputs") : at(),
        `the component ${declared.file} requires input "${name}", and this node gives it no value`,
      );
  // azure-ai-ml builds a node's inputs from the component's definitions only, and leaves checking
  // the node's keys against them as an open to-do (NodeIOMixin._build_inputs_dict in
  // https://github.com/Azure/azure-sdk-for-python/blob/main/sdk/ml/azure-ai-ml/azure/ai/ml/entities/_job/pipeline/_io/mixin.py).
  for (const name of Object.keys(inputs)) {
    if (Object.hasOwn(declared.inputs, name)) continue;
    const known = `its inputs: ${declaredInputs.join(", ") || "none"}${didYouMean(name, declaredInputs)}`;
    if (undeclared === "warn")
      reader.warn(
        at("inputs", name),
        `the component ${declared.file} has no input "${name}", so it is left out of the job (as az ml job create leaves it out); ${known}`,
      );
    else
      reader.problem(
        at("inputs", name),
        `the component ${declared.file} has no input "${name}" (az ml job create would drop it without a word); ${known}`,
      );
  }
  for (const name of Object.keys(isRecord(node.outputs) ? node.outputs : {}))
    if (!declared.outputs.includes(name))
      reader.problem(
        at("outputs", name),
        `the component ${declared.file} has no output "${name}"; its outputs: ${declared.outputs.join(", ") || "none"}${didYouMean(name, declared.outputs)}`,
      );
}

/**
 * The component a node runs — its inline job's, or the one its `component:` (a sweep's `trial:`)
 * names — checked against what the node gives it.
 */
export function runComponent(
  context: NodeContext,
  node: Record<string, unknown>,
  inlineSpec: Record<string, unknown> | undefined,
  how: ComponentKey,
): NodeComponent {
  const component =
    inlineSpec === undefined
      ? nodeComponent(context, node, how)
      : { ...anonymousComponent(context, inlineSpec), spec: inlineSpec };
  checkAgainstComponent(
    context,
    node,
    component.declared,
    how.type === "pipeline" ? "warn" : "refuse",
  );
  return component;
}
