import { isRecord } from "../../guards";
import { pythonFloatText, pythonLiteralText } from "./pythonText";

/** An id without the `azureml:` prefix some REST fields carry. */
export const stripPrefix = (id: unknown) =>
  typeof id === "string" && id.startsWith("azureml:") ? id.slice("azureml:".length) : id;

/** A workspace asset id as azure-ai-ml writes it inside a spec or a task (`azureml:` + id); others as they are. */
export const prefixed = (id: string) =>
  id.startsWith("{workspace}/") || id.startsWith("/subscriptions/") ? `azureml:${id}` : id;

/** Where an inline node's inputs and its pipeline's inputs are written. */
export function inlineSources(context: {
  reader: { yaml: { sourceAt: SourceAt } };
  at: (...rest: PropertyKey[]) => PropertyKey[];
}): { node: SourceAt; pipeline: SourceAt } {
  const { sourceAt } = context.reader.yaml;
  return {
    node: (path) => sourceAt(context.at("inputs", ...path)),
    pipeline: (path) => sourceAt(["inputs", ...path]),
  };
}

/** The type of an output a node declares, looked up by node and output name. */
export type OutputTypeOf = (job: string, output: string) => string | undefined;

const YAML11_INT = /^[-+]?(0|[1-9][0-9_]*)$/;
const YAML11_FLOAT = /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$/;

/** The input type azure-ai-ml infers for a literal, from what PyYAML (YAML 1.1) read. */
function literalTypeOf(value: unknown, source: string | undefined): string {
  if (typeof value === "boolean") return "boolean";
  if (typeof value !== "number") return "string";
  const written = source?.trim();
  if (written === undefined) return Number.isInteger(value) ? "integer" : "number";
  if (YAML11_INT.test(written)) return "integer";
  // `2e-5` is no float to YAML 1.1: PyYAML reads it as text.
  return YAML11_FLOAT.test(written) ? "number" : "string";
}

/** Where a YAML scalar's text is, for reading numbers as PyYAML would. */
export type SourceAt = (path: PropertyKey[]) => string | undefined;

/** Python's str() of a YAML scalar, as azure-ai-ml writes a default into a component spec. */
export function pythonDefault(value: unknown): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : pythonFloatText(value);
  return String(value);
}

const PARENT_INPUT = /^\$\{\{\s*parent\.inputs\.(\w+)\s*\}\}$/;
const JOB_OUTPUT = /^\$\{\{\s*parent\.jobs\.([\w-]+)\.outputs\.(\w+)\s*\}\}$/;
const PARENT_OUTPUT = /^\$\{\{\s*parent\.outputs\.(\w+)\s*\}\}$/;

/**
 * The inputs of an inline job's anonymous component, as azure-ai-ml infers them from what the node
 * gives: a literal by its value (and as the input's default), an asset by its type and mode, a
 * binding by the pipeline input or the job output it reads.
 */
export function inlineInputs(
  nodeInputs: unknown,
  pipelineInputs: Record<string, unknown>,
  outputTypeOf: OutputTypeOf = () => undefined,
  /** The node's inputs' and the pipeline's inputs' source text. */
  source: { node: SourceAt; pipeline: SourceAt } = {
    node: () => undefined,
    pipeline: () => undefined,
  },
): Record<string, unknown> | undefined {
  if (!isRecord(nodeInputs)) return undefined;
  const typed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(nodeInputs)) {
    if (value === null) continue;
    const bindingText = isRecord(value) ? value.path : value;
    const mode = isRecord(value) && typeof value.mode === "string" ? { mode: value.mode } : {};
    const parent = typeof bindingText === "string" ? PARENT_INPUT.exec(bindingText) : null;
    const upstream = typeof bindingText === "string" ? JOB_OUTPUT.exec(bindingText) : null;
    if (isRecord(value))
      // Written as a mapping, it is an Input of its own: uri_folder unless it says otherwise.
      typed[name] = { type: typeof value.type === "string" ? value.type : "uri_folder", ...mode };
    else if (parent) {
      const declared = pipelineInputs[parent[1] ?? ""];
      // Bound as it is, the input takes the pipeline input's type and mode.
      typed[name] = isRecord(declared)
        ? {
            type: typeof declared.type === "string" ? declared.type : "uri_folder",
            ...(typeof declared.mode === "string" ? { mode: declared.mode } : {}),
          }
        : { type: literalTypeOf(declared, source.pipeline([parent[1] ?? ""])) };
    } else if (upstream || (typeof bindingText === "string" && bindingText.includes("${{"))) {
      const bound = upstream ? outputTypeOf(upstream[1] ?? "", upstream[2] ?? "") : undefined;
      typed[name] = { type: bound ?? "uri_folder" };
    } else {
      const written = source.node([name]);
      typed[name] = {
        type: literalTypeOf(value, written),
        default:
          typeof value === "number" || typeof value === "boolean" || typeof value === "string"
            ? pythonLiteralText(value, written)
            : pythonDefault(value),
      };
    }
  }
  return typed;
}

/**
 * The outputs of an inline job's anonymous component: each with its type and mode as written; one
 * bound to a pipeline output takes that output's type (uri_folder unless said).
 */
export function inlineOutputs(
  nodeOutputs: unknown,
  pipelineOutputs: Record<string, unknown> = {},
): Record<string, unknown> | undefined {
  if (!isRecord(nodeOutputs)) return undefined;
  const typed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(nodeOutputs)) {
    const text = isRecord(value) ? value.path : value;
    const parent = typeof text === "string" ? PARENT_OUTPUT.exec(text) : null;
    const declared = parent ? pipelineOutputs[parent[1] ?? ""] : undefined;
    const type =
      isRecord(value) && typeof value.type === "string"
        ? value.type
        : isRecord(declared) && typeof declared.type === "string"
          ? declared.type
          : "uri_folder";
    const mode =
      isRecord(value) && typeof value.mode === "string"
        ? value.mode
        : isRecord(declared) && typeof declared.mode === "string"
          ? declared.mode
          : undefined;
    typed[name] = { type, ...(mode === undefined ? {} : { mode }) };
  }
  return typed;
}
