import type { ConfigIssue } from "../config/configError";
import { checkMapping, describeValue, namedEntries } from "../config/fields";
import { readYamlFile, type YamlFile } from "../config/yamlFile";
import { isRecord } from "../guards";
import {
  type JobInputValue,
  type JobOutputValue,
  literalText,
  type NodeInput,
  type NodeOutput,
  type Pipeline,
  type PipelineInput,
  type PipelineNode,
  SWAGGER_VALUE_PATTERN,
} from "./pipeline";
import {
  ASSET_INPUT_SPEC,
  ASSET_INPUT_TYPES,
  type INPUT_MODES,
  LITERAL_INPUT_SPEC,
  NODE_SPEC,
  type OUTPUT_MODES,
  OUTPUT_SPEC,
  type OUTPUT_TYPES,
  PIPELINE_SPEC,
  SETTINGS_SPEC,
} from "./pipelineSchema";
import {
  assetPathProblem,
  componentReference,
  outputPathProblem,
  type Reference,
  workspaceResourceReference,
} from "./references";

const BINDING =
  /^\$\{\{\s*parent\.(?:inputs\.([A-Za-z_][\w]*)|outputs\.([A-Za-z_][\w]*)|jobs\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w]*))\s*\}\}$/;

type Path = PropertyKey[];
type AssetType = (typeof ASSET_INPUT_TYPES)[number];
const isAssetType = (type: unknown): type is AssetType =>
  (ASSET_INPUT_TYPES as readonly unknown[]).includes(type);

/** Reads one pipeline file and records every problem in it; nothing stops at the first. */
class PipelineReader {
  readonly issues: ConfigIssue[] = [];
  constructor(readonly yaml: YamlFile) {}

  problem(path: Path, message: string): void {
    this.issues.push(this.yaml.issueAt(path, message));
  }

  mapping(path: Path, value: unknown, spec: Parameters<typeof checkMapping>[3]) {
    return checkMapping(this.yaml, path, value, spec, this.issues);
  }

  refer(path: Path, ref: Reference) {
    if (ref.ok) return ref.id;
    this.problem(path, ref.error);
    return undefined;
  }

  literal(path: Path, value: unknown): JobInputValue | undefined {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      this.problem(
        path,
        `must be text, a number, true/false or a mapping, not ${describeValue(value)}`,
      );
      return undefined;
    }
    const text = literalText(value);
    if (!SWAGGER_VALUE_PATTERN.test(text))
      this.problem(
        path,
        `literal input must contain a letter, digit or underscore (the jobs API refuses ${JSON.stringify(text)})`,
      );
    return { kind: "literal", value: text };
  }

  /** A pipeline-level input: a value, an asset, or a declared type the workflow fills. */
  pipelineInput(path: Path, value: unknown): PipelineInput | undefined {
    if (!isRecord(value)) return this.literal(path, value);
    if (isAssetType(value.type)) {
      const spec = this.mapping(path, value, ASSET_INPUT_SPEC);
      if (!spec) return undefined;
      const mode = spec.mode as keyof typeof INPUT_MODES | undefined;
      const description = spec.description as string | undefined;
      if (typeof spec.path !== "string")
        return value.path === undefined
          ? { kind: "open", type: value.type, asset: true, mode, description }
          : undefined;
      return this.asset([...path, "path"], value.type, spec.path, mode, description);
    }
    const spec = this.mapping(path, value, LITERAL_INPUT_SPEC);
    if (!spec || typeof spec.type !== "string") return undefined;
    const description = spec.description as string | undefined;
    if (spec.default !== undefined) {
      const literal = this.literal([...path, "default"], spec.default);
      return literal && { ...literal, description };
    }
    return {
      kind: "open",
      type: spec.type as "string",
      asset: false,
      description,
    };
  }

  asset(
    path: Path,
    type: AssetType,
    uri: string,
    mode?: keyof typeof INPUT_MODES,
    description?: string,
  ): JobInputValue {
    const problem = assetPathProblem(uri);
    if (problem !== undefined) this.problem(path, problem);
    return { kind: "asset", type, uri, mode, description };
  }

  output(path: Path, value: unknown): JobOutputValue | undefined {
    if (value === null) return { type: "uri_folder" };
    const spec = this.mapping(path, value, OUTPUT_SPEC);
    if (!spec) return undefined;
    if (typeof spec.path === "string") {
      const problem = outputPathProblem(spec.path);
      if (problem !== undefined) this.problem([...path, "path"], problem);
    }
    return {
      type: (spec.type as (typeof OUTPUT_TYPES)[number] | undefined) ?? "uri_folder",
      mode: spec.mode as keyof typeof OUTPUT_MODES | undefined,
      uri: spec.path as string | undefined,
      description: spec.description as string | undefined,
    };
  }
}

/**
 * Loads an Azure ML CLI v2 pipeline job YAML and checks everything that can be checked without
 * Azure. When it is refused, the inputs it declares still come back, so the workflows that use it
 * can be checked in the same pass.
 */
export function loadPipeline(
  file: string,
  displayName: string,
):
  | { ok: true; value: Pipeline }
  | { ok: false; issues: ConfigIssue[]; inputs?: Record<string, PipelineInput> } {
  const read = readYamlFile(file, displayName);
  if (!read.ok) return read;
  const reader = new PipelineReader(read.value);
  const spec = reader.mapping([], read.value.data, PIPELINE_SPEC);
  if (!spec) return { ok: false, issues: reader.issues };

  const inputs: Record<string, PipelineInput> = {};
  const entries = (path: Path, record: unknown) =>
    namedEntries(reader.yaml, path, (record ?? {}) as Record<string, unknown>, reader.issues);
  for (const [name, value] of entries(["inputs"], spec.inputs)) {
    const input = reader.pipelineInput(["inputs", name], value);
    if (input) inputs[name] = input;
  }
  const outputs: Record<string, JobOutputValue> = {};
  for (const [name, value] of entries(["outputs"], spec.outputs)) {
    const output = reader.output(["outputs", name], value);
    if (output) outputs[name] = output;
  }

  const rawJobs = (spec.jobs ?? {}) as Record<string, unknown>;
  const declaredInputs = (spec.inputs ?? {}) as Record<string, unknown>;
  const declaredOutputs = (spec.outputs ?? {}) as Record<string, unknown>;
  const nodeNames = new Set(Object.keys(rawJobs));
  const upstream = new Map<string, Set<string>>();
  const jobs: Record<string, PipelineNode> = {};
  let someNodeWithoutCompute = false;
  for (const [nodeName, rawNode] of entries(["jobs"], rawJobs)) {
    const at = (...rest: PropertyKey[]) => ["jobs", nodeName, ...rest];
    const node = reader.mapping(at(), rawNode, NODE_SPEC);
    if (!node) continue;
    const dependsOn = new Set<string>();
    upstream.set(nodeName, dependsOn);
    // True when `text` is a ${{parent...}} binding; any problem with it is recorded.
    const isBinding = (path: Path, text: string, allowed: "input" | "output"): boolean => {
      const match = BINDING.exec(text);
      if (!match) {
        if (text.includes("${{"))
          reader.problem(
            path,
            `"${text}" is not a binding this converter understands; expected \${{parent.inputs.<name>}}, \${{parent.jobs.<node>.outputs.<name>}} or \${{parent.outputs.<name>}}`,
          );
        return false;
      }
      const [, parentInput, parentOutput, job] = match;
      if (allowed === "output" && parentOutput === undefined)
        reader.problem(path, `a node output can only bind to \${{parent.outputs.<name>}}`);
      else if (allowed === "input" && parentOutput !== undefined)
        reader.problem(
          path,
          `a node input cannot read a pipeline output; use \${{parent.jobs.<node>.outputs.<name>}}`,
        );
      else if (parentInput !== undefined && !Object.hasOwn(declaredInputs, parentInput))
        reader.problem(
          path,
          `binds to pipeline input "${parentInput}", which the pipeline does not declare`,
        );
      else if (parentOutput !== undefined && !Object.hasOwn(declaredOutputs, parentOutput))
        reader.problem(
          path,
          `binds to pipeline output "${parentOutput}", which the pipeline does not declare`,
        );
      else if (job !== undefined && !nodeNames.has(job))
        reader.problem(path, `binds to job "${job}", which the pipeline does not have`);
      else if (job !== undefined) dependsOn.add(job);
      return true;
    };

    const nodeInputs: Record<string, NodeInput> = {};
    for (const [name, value] of entries(at("inputs"), node.inputs)) {
      const path = at("inputs", name);
      if (typeof value === "string" && isBinding(path, value, "input"))
        nodeInputs[name] = { kind: "binding", expression: value };
      else if (isRecord(value)) {
        const asset = reader.mapping(path, value, ASSET_INPUT_SPEC);
        if (asset && typeof asset.path === "string" && isAssetType(asset.type))
          nodeInputs[name] = reader.asset(
            [...path, "path"],
            asset.type,
            asset.path,
            asset.mode as keyof typeof INPUT_MODES | undefined,
          );
        else if (asset && asset.path === undefined && value.path === undefined)
          reader.problem(path, "a node's asset input needs a path, or bind it to a pipeline input");
      } else {
        const literal = reader.literal(path, value);
        if (literal) nodeInputs[name] = literal;
      }
    }
    const nodeOutputs: Record<string, NodeOutput> = {};
    for (const [name, value] of entries(at("outputs"), node.outputs)) {
      const path = at("outputs", name);
      if (typeof value === "string") {
        if (!isBinding(path, value, "output") && !value.includes("${{"))
          reader.problem(
            path,
            `a node output is a binding \${{parent.outputs.<name>}} or a mapping with type and mode`,
          );
        nodeOutputs[name] = { kind: "binding", expression: value };
      } else {
        const output = reader.output(path, value);
        if (output) nodeOutputs[name] = { kind: "output", ...output };
      }
    }
    const componentId =
      typeof node.component === "string"
        ? reader.refer(at("component"), componentReference(node.component))
        : undefined;
    const computeId =
      typeof node.compute === "string"
        ? reader.refer(at("compute"), workspaceResourceReference("computes", node.compute))
        : undefined;
    if (isRecord(rawNode) && rawNode.compute === undefined) someNodeWithoutCompute = true;
    jobs[nodeName] = {
      componentId: componentId ?? "",
      computeId,
      displayName: node.display_name as string | undefined,
      description: node.description as string | undefined,
      tags: node.tags as Record<string, string> | undefined,
      environmentVariables: node.environment_variables as Record<string, string> | undefined,
      inputs: nodeInputs,
      outputs: nodeOutputs,
    };
  }
  const cycle = findCycle(upstream);
  if (cycle) reader.problem(["jobs", cycle[0] ?? ""], `jobs form a cycle: ${cycle.join(" → ")}`);

  const settings =
    spec.settings === undefined
      ? {}
      : (reader.mapping(["settings"], spec.settings, SETTINGS_SPEC) ?? {});
  const resource = (kind: "computes" | "datastores", key: string) =>
    typeof settings[key] === "string"
      ? reader.refer(["settings", key], workspaceResourceReference(kind, settings[key]))
      : undefined;
  const defaultCompute = resource("computes", "default_compute");
  const rawSettings = isRecord(spec.settings) ? spec.settings : {};
  if (rawSettings.default_compute === undefined && someNodeWithoutCompute)
    reader.problem(
      spec.settings === undefined ? ["jobs"] : ["settings"],
      "no compute: set settings.default_compute, or compute on every job",
    );

  // The inputs that did parse still let a workflow's inputs be checked against them.
  if (reader.issues.length > 0) return { ok: false, issues: reader.issues, inputs };
  return {
    ok: true,
    value: {
      file: displayName,
      displayName: spec.display_name as string | undefined,
      experimentName: spec.experiment_name as string | undefined,
      description: spec.description as string | undefined,
      tags: (spec.tags ?? {}) as Record<string, string>,
      settings: {
        defaultCompute,
        defaultDatastore: resource("datastores", "default_datastore"),
        continueOnStepFailure: settings.continue_on_step_failure as boolean | undefined,
        forceRerun: settings.force_rerun as boolean | undefined,
      },
      inputs,
      outputs,
      jobs,
    },
  };
}

function findCycle(upstream: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, "visiting");
    for (const next of upstream.get(node) ?? []) {
      const found = visit(next, [...trail, node]);
      if (found) return found;
    }
    state.set(node, "done");
    return undefined;
  };
  for (const node of upstream.keys()) {
    const found = visit(node, []);
    if (found) return found;
  }
  return undefined;
}
