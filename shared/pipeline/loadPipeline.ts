import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

import { withoutUndefined } from "../compiled/restShapes";
import type { ConfigIssue } from "../config/configError";
import type { MappingSpec } from "../config/fields";
import { readYamlFile } from "../config/yamlFile";
import { isRecord } from "../guards";
import type { Result } from "../result";
import { AUTOML_NODE_SPEC, automlNode } from "./automlNode";
import {
  AssetCollector,
  commandSpec,
  componentFromFile,
  type ComponentInterface,
  componentInterface,
  sparkSpec,
} from "./components";
import { findCycle } from "./findCycle";
import { inlineInputs, inlineOutputs, stripPrefix } from "./inlineIo";
import { restCommandLimits, restDistribution, restResources, restServices } from "./nodeSettings";
import { PARALLEL_KEYS, parallelSettings, parallelTask } from "./parallelNode";
import type { JobOutputValue, Pipeline, PipelineInput, RestNode } from "./pipeline";
import { ANY_BINDING, type Path, PipelineReader } from "./pipelineReader";
import { NODE_SPEC, PIPELINE_COMPONENT_SPEC, PIPELINE_SPEC, SETTINGS_SPEC } from "./pipelineSchema";
import { componentReference, localComponentFile, workspaceResourceReference } from "./references";
import { SPARK_NODE_KEYS, sparkSettings } from "./sparkNode";
import { SWEEP_NODE_KEYS, sweepSettings } from "./sweepNode";
import { COMPONENT_SOURCES, INPUT_MODES, OUTPUT_MODES } from "./vocabulary";

const BINDING =
  /^\$\{\{\s*parent\.(?:inputs\.([A-Za-z_][\w]*)|outputs\.([A-Za-z_][\w]*)|jobs\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w]*))\s*\}\}$/;

/** Node types azure-ai-ml knows; the ones this converter does not serialize yet are named as such. */
const NODE_TYPES = ["command", "pipeline", "parallel", "spark", "sweep", "automl", "import"];
/** Keys only one node type takes (resources is shared). */
const OWNED_KEYS: [string, string[]][] = [
  ["parallel", PARALLEL_KEYS.filter((k) => k !== "resources")],
  ["spark", SPARK_NODE_KEYS.filter((k) => k !== "resources")],
  ["sweep", SWEEP_NODE_KEYS],
];
const SUPPORTED_NODE_TYPES = ["command", "pipeline", "parallel", "spark", "sweep", "automl"];
const INLINE_JOB_KEYS = ["command", "code", "environment"];
// An inline spark job (code and entry on the node) becomes an anonymous spark component the same way.
// Keys of an inline job that go into its anonymous component rather than onto the node.
const INLINE_SPEC_KEYS = [...INLINE_JOB_KEYS];
const INLINE_NODE_SPEC: MappingSpec = {
  ...NODE_SPEC,
  required: [],
  refused: Object.fromEntries(
    Object.entries(NODE_SPEC.refused ?? {}).filter(([k]) => !INLINE_SPEC_KEYS.includes(k)),
  ),
};

/** A node's compute: a binding or serverless as written, a name as the workspace compute's id. */
function nodeCompute(
  reader: PipelineReader,
  path: Path,
  compute: string,
  isBinding: (path: Path, text: string, allowed: "input") => boolean,
): string | undefined {
  return isBinding(path, compute, "input") || compute === "serverless"
    ? compute
    : reader.refer(path, workspaceResourceReference("computes", compute));
}

/**
 * Loads an Azure ML CLI v2 pipeline job YAML and checks everything that can be checked without
 * Azure. When it is refused, the inputs it declares still come back, so the workflows that use it
 * can be checked in the same pass.
 */
export function loadPipeline(
  file: string,
  displayName: string,
  /** Collects the code, environments and components the pipeline needs; its root bounds asset paths. */
  assets: AssetCollector = new AssetCollector(dirname(file)),
  /** Set when this file is a pipeline component another pipeline uses: the files on the way here. */
  within: readonly string[] = [],
):
  | { ok: true; value: Pipeline }
  | { ok: false; issues: ConfigIssue[]; inputs?: Record<string, PipelineInput> } {
  const read = readYamlFile(file, displayName);
  if (!read.ok) return read;
  const asComponent = within.length > 0;
  const reader = new PipelineReader(read.value, dirname(file), assets);
  const spec = reader.mapping(
    [],
    read.value.data,
    asComponent ? PIPELINE_COMPONENT_SPEC : PIPELINE_SPEC,
  );
  if (!spec) return { ok: false, issues: reader.issues };
  const trail = [...within, file];

  // A pipeline component, as a file next to this one: compiled like a pipeline and registered as an
  // anonymous component; a cycle of components is refused.
  const pipelineComponent = (
    path: Path,
    reference: string,
  ): { id: string; declared: ComponentInterface } | undefined => {
    const componentPath = resolve(dirname(file), reference);
    if (trail.includes(componentPath)) {
      reader.problem(
        path,
        `pipeline components form a cycle: ${[...trail, componentPath].map((f) => relative(dirname(trail[0] ?? file), f) || f).join(" → ")}`,
      );
      return undefined;
    }
    if (!existsSync(componentPath)) {
      reader.problem(
        path,
        `component file not found: ${reference} (paths resolve against ${dirname(displayName) || "."})`,
      );
      return undefined;
    }
    const shown = relative(process.cwd(), componentPath) || componentPath;
    const loaded = loadPipeline(componentPath, shown, assets, trail);
    if (!loaded.ok) {
      reader.issues.push(...loaded.issues);
      return undefined;
    }
    const raw = readYamlFile(componentPath, shown);
    const source = raw.ok && isRecord(raw.value.data) ? raw.value.data : {};
    const componentSpec = withoutUndefined({
      type: "pipeline",
      name: source.name,
      version:
        typeof source.version === "string" || typeof source.version === "number"
          ? String(source.version)
          : undefined,
      display_name: source.display_name,
      description: source.description,
      tags: source.tags,
      inputs: source.inputs,
      outputs: source.outputs,
      jobs: loaded.value.jobs,
      _source: COMPONENT_SOURCES.component,
    });
    return {
      id: assets.component(componentSpec, componentPath),
      declared: componentInterface(shown, source),
    };
  };

  const inputs: Record<string, PipelineInput> = {};
  for (const [name, value] of reader.entries(["inputs"], spec.inputs)) {
    // azure-ai-ml leaves an input without a value, or with an empty one, out of the job.
    if (value === null || value === "") continue;
    const input = reader.pipelineInput(["inputs", name], value);
    if (input) inputs[name] = input;
  }
  const outputs: Record<string, JobOutputValue> = {};
  for (const [name, value] of reader.entries(["outputs"], spec.outputs)) {
    const output = reader.output(["outputs", name], value);
    if (output?.assetName !== undefined)
      // The stable jobs API (2025-12-01) has no assetName on a job output; azure-ai-ml sends it with
      // 2024-01-01-preview. Nodes are untyped there, so a node output may still name its asset.
      reader.problem(
        ["outputs", name, "name"],
        "naming a pipeline-level output as an asset needs the jobs API's 2024-01-01-preview; this project sends 2025-12-01, which has no assetName. Name the output on the node that writes it (jobs.<node>.outputs.<name>.name)",
      );
    else if (output) outputs[name] = output;
  }

  const declaredInputs = (spec.inputs ?? {}) as Record<string, unknown>;
  const declaredInputsRaw = declaredInputs;
  const declaredOutputs = (spec.outputs ?? {}) as Record<string, unknown>;
  const rawJobs = (spec.jobs ?? {}) as Record<string, unknown>;
  let topComponentId: string | undefined;
  if (typeof spec.component === "string") {
    if (spec.jobs !== undefined)
      reader.problem(["component"], "a pipeline job has a component or jobs, not both");
    const local = localComponentFile(spec.component);
    topComponentId =
      local === undefined
        ? reader.refer(["component"], componentReference(spec.component))
        : pipelineComponent(["component"], local)?.id;
  } else if (
    spec.jobs === undefined &&
    isRecord(read.value.data) &&
    read.value.data.jobs === undefined
  )
    reader.problem(
      [],
      `${asComponent ? "a pipeline component" : "a pipeline job"} needs "jobs" (or, for a job, a pipeline "component")`,
    );
  const nodeNames = new Set(Object.keys(rawJobs));
  const upstream = new Map<string, Set<string>>();
  const jobs: Record<string, RestNode> = {};
  let someNodeWithoutCompute = false;
  for (const [nodeName, rawNode] of reader.entries(["jobs"], rawJobs)) {
    const at = (...rest: PropertyKey[]) => ["jobs", nodeName, ...rest];
    // A node type this converter does not serialize yet gets one message, not one per unknown key.
    const rawType =
      isRecord(rawNode) && typeof rawNode.type === "string" ? rawNode.type : "command";
    if (!SUPPORTED_NODE_TYPES.includes(rawType)) {
      reader.problem(
        at("type"),
        NODE_TYPES.includes(rawType)
          ? `${rawType} nodes are not supported yet; supported: ${SUPPORTED_NODE_TYPES.join(", ")} (no type is command)`
          : `unknown node type "${rawType}"; Azure ML knows ${NODE_TYPES.join(", ")}`,
      );
      continue;
    }
    const dependsOn = new Set<string>();
    upstream.set(nodeName, dependsOn);
    // The binding `text` names, checked; true when it is one.
    const isBinding = (path: Path, text: string, allowed: "input" | "output"): boolean => {
      const match = BINDING.exec(text);
      if (!match) {
        if (ANY_BINDING.test(text))
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

    let checked: unknown = rawNode;
    // An inline command job: azure-ai-ml turns it into an anonymous component; so does compiling.
    let inlineSpec: Record<string, unknown> | undefined;
    const inline = isRecord(rawNode) && INLINE_JOB_KEYS.some((k) => k in rawNode);
    if (isRecord(rawNode) && inline) {
      if (rawNode.component !== undefined)
        reader.problem(at("component"), "a node has a component or an inline command, not both");
      inlineSpec = (rawType === "spark" ? sparkSpec : commandSpec)(
        {
          ...rawNode,
          inputs: inlineInputs(rawNode.inputs, declaredInputsRaw),
          outputs: inlineOutputs(rawNode.outputs),
        },
        dirname(file),
        assets,
        (path, message) => {
          reader.problem(path, message);
        },
        at,
        COMPONENT_SOURCES.job,
      );
      checked = Object.fromEntries(
        Object.entries(rawNode).filter(([k]) => !INLINE_SPEC_KEYS.includes(k)),
      );
    }
    const node = reader.mapping(
      at(),
      checked,
      rawType === "automl" ? AUTOML_NODE_SPEC : inline ? INLINE_NODE_SPEC : NODE_SPEC,
    );
    if (!node) continue;

    const type = (node.type as string | undefined) ?? "command";
    if (
      !inline &&
      !["parallel", "automl", "sweep"].includes(type) &&
      isRecord(checked) &&
      checked.component === undefined
    )
      reader.problem(
        at(),
        `a ${type} node needs a component (or, for a command, an inline command)`,
      );
    if (type === "sweep" && node.component !== undefined)
      reader.problem(at("component"), "a sweep node names its component as trial");
    // An automl node's own spec already lists the keys it takes.
    if (type !== "automl")
      for (const [owner, keys] of OWNED_KEYS)
        if (type !== owner)
          for (const key of keys)
            if (node[key] !== undefined)
              reader.problem(at(key), `${key} is set on ${owner} nodes only`);
    let sweep: Record<string, unknown> = {};
    if (type === "sweep") {
      const settings = sweepSettings(node);
      if (settings.ok) sweep = settings.value;
      else reader.problem(at(), settings.errors.join("; "));
    }
    let spark: Record<string, unknown> = {};
    if (type === "spark") {
      const settings = sparkSettings(node);
      if (settings.ok) spark = settings.value;
      else reader.problem(at(), settings.errors.join("; "));
      if (node.compute === undefined && node.resources === undefined)
        reader.problem(
          at(),
          "a spark node needs compute (an attached Synapse pool) or resources (serverless spark)",
        );
    }

    // Node entries are plain snake_case dicts, as azure-ai-ml writes them.
    const nodeInputs: Record<string, Record<string, unknown>> = {};
    for (const [name, value] of reader.entries(at("inputs"), node.inputs)) {
      const path = at("inputs", name);
      if (value === null) continue;
      if (typeof value === "string" && isBinding(path, value, "input")) {
        nodeInputs[name] = { job_input_type: "literal", value };
      } else if (isRecord(value)) {
        const asset = reader.assetInput(path, value);
        if (!asset) continue;
        const mode = asset.mode === undefined ? undefined : INPUT_MODES[asset.mode];
        if (asset.path !== undefined && isBinding([...path, "path"], asset.path, "input"))
          nodeInputs[name] = withoutUndefined({
            job_input_type: "literal",
            value: asset.path,
            mode,
          });
        else if (asset.path === undefined)
          reader.problem(
            path,
            "a node's asset input needs a path, or a binding to a pipeline input",
          );
        else {
          const uri = reader.assetUri([...path, "path"], asset.type, asset.path);
          if (uri !== undefined)
            nodeInputs[name] = withoutUndefined({ job_input_type: asset.type, uri, mode });
        }
      } else if (value === "") {
        // azure-ai-ml leaves an empty input out of the job (the jobs API refuses an empty literal).
        continue;
      } else {
        const text = reader.literal(path, value);
        if (text !== undefined) nodeInputs[name] = { job_input_type: "literal", value: text };
      }
    }
    const nodeOutputs: Record<string, Record<string, unknown>> = {};
    for (const [name, value] of reader.entries(at("outputs"), node.outputs)) {
      const path = at("outputs", name);
      // azure-ai-ml drops an output with nothing configured ("Remove non-configured output").
      if (value === null) continue;
      if (typeof value === "string") {
        if (!isBinding(path, value, "output") && !ANY_BINDING.test(value))
          reader.problem(
            path,
            `a node output is a binding \${{parent.outputs.<name>}} or a mapping with type and mode`,
          );
        nodeOutputs[name] = { type: "literal", value };
        continue;
      }
      const output = reader.output(path, value);
      if (!output) continue;
      const mode = output.mode === undefined ? undefined : OUTPUT_MODES[output.mode];
      const named = { name: output.assetName, version: output.assetVersion };
      if (output.uri !== undefined && BINDING.test(output.uri)) {
        isBinding([...path, "path"], output.uri, "output");
        nodeOutputs[name] = withoutUndefined({
          type: "literal",
          value: output.uri,
          mode,
          ...named,
        });
      } else
        nodeOutputs[name] = withoutUndefined({
          job_output_type: output.type,
          uri: output.uri,
          mode,
          ...named,
        });
    }

    const computeId =
      typeof node.compute === "string"
        ? nodeCompute(reader, at("compute"), node.compute, isBinding)
        : undefined;
    if (
      isRecord(rawNode) &&
      rawNode.compute === undefined &&
      ["command", "automl", "sweep"].includes(type)
    )
      someNodeWithoutCompute = true;
    if (type === "automl") {
      jobs[nodeName] = automlNode(nodeName, node, {
        reader,
        at,
        isBinding,
        computeId,
        outputs: Object.keys(nodeOutputs).length > 0 ? nodeOutputs : undefined,
      });
      continue;
    }

    let componentId: string | undefined;
    let declared: ComponentInterface | undefined;
    let source: string = COMPONENT_SOURCES.workspace;
    const componentRef = type === "sweep" ? node.trial : node.component;
    const componentAt = type === "sweep" ? at("trial") : at("component");
    const componentFile =
      typeof componentRef === "string" ? localComponentFile(componentRef) : undefined;
    let parallel: Record<string, unknown> = {};
    if (type === "parallel") {
      const settings = parallelSettings(node);
      if (settings.ok) parallel = settings.value;
      else reader.problem(at(), settings.errors.join("; "));
      if (node.task !== undefined) {
        const task = parallelTask(node.task, dirname(file), assets, (p) =>
          resolve(dirname(file), p),
        );
        if (!task.ok) reader.problem(at("task"), task.errors.join("; "));
        else {
          parallel.task = task.value;
          // An inline task makes an anonymous parallel component, as azure-ai-ml does.
          componentId = assets.component(
            withoutUndefined({
              type: "parallel",
              inputs: inlineInputs(node.inputs, declaredInputsRaw),
              outputs: inlineOutputs(node.outputs),
              ...parallel,
              task: {
                ...task.value,
                code: stripPrefix(task.value.code),
                environment: stripPrefix(task.value.environment),
              },
              _source: COMPONENT_SOURCES.job,
            }),
            file,
            `#jobs.${nodeName}`,
          );
          source = COMPONENT_SOURCES.job;
        }
      } else if (node.component === undefined)
        reader.problem(at(), "a parallel node needs a component or a task");
    }
    if (componentId !== undefined) {
      // the inline parallel task above
    } else if (inlineSpec !== undefined) {
      componentId = assets.component(inlineSpec, file, `#jobs.${nodeName}`);
      source = COMPONENT_SOURCES.job;
    } else if (
      componentFile !== undefined &&
      ["command", "parallel", "spark", "sweep"].includes(type)
    ) {
      const path = resolve(dirname(file), componentFile);
      const fromFile = existsSync(path)
        ? componentFromFile(path, relative(process.cwd(), path) || path, assets, reader.issues)
        : undefined;
      if (!existsSync(path))
        reader.problem(
          componentAt,
          `component file not found: ${componentFile} (paths resolve against ${dirname(displayName) || "."})`,
        );
      componentId = fromFile?.id;
      declared = fromFile?.declared;
      source = COMPONENT_SOURCES.component;
    } else if (componentFile !== undefined && type === "pipeline") {
      const fromFile = pipelineComponent(at("component"), componentFile);
      componentId = fromFile?.id;
      declared = fromFile?.declared;
      source = COMPONENT_SOURCES.component;
    } else if (componentFile !== undefined)
      reader.problem(
        at("component"),
        `${type} component files are not supported yet; register it with \`az ml component create -f ${componentFile}\` and reference azureml:<name>:<version>`,
      );
    else if (typeof componentRef === "string") {
      componentId = reader.refer(componentAt, componentReference(componentRef));
      if (componentId?.startsWith("azureml://registries/") === true)
        source = COMPONENT_SOURCES.registry;
    } else if (isRecord(componentRef) && (type === "command" || type === "sweep")) {
      const inlineComponent = commandSpec(
        componentRef,
        dirname(file),
        assets,
        (path, message) => {
          reader.problem(path, message);
        },
        (...p) => [...componentAt, ...p],
        COMPONENT_SOURCES.job,
      );
      if (inlineComponent)
        componentId = assets.component(
          inlineComponent,
          file,
          `#jobs.${nodeName}.${type === "sweep" ? "trial" : "component"}`,
        );
      source = COMPONENT_SOURCES.job;
    } else if (componentRef !== undefined)
      reader.problem(componentAt, `an inline ${type} component is not supported yet`);
    // As az ml checks a node against its component: every required input given, no output it does
    // not declare. (An input it does not declare is sent as given: the service decides, and one of
    // azureml-examples' own pipelines passes one to a pipeline component.)
    if (declared) {
      // A sweep's search space gives the trial its inputs too.
      const given = {
        ...(isRecord(node.inputs) ? node.inputs : {}),
        ...(isRecord(node.search_space) ? node.search_space : {}),
      };
      for (const [name, input] of Object.entries(declared.inputs))
        if (input.required && (given[name] === undefined || given[name] === null))
          reader.problem(
            isRecord(node.inputs) ? at("inputs") : at(),
            `the component ${declared.file} requires input "${name}", and this node gives it no value`,
          );
      for (const name of Object.keys(isRecord(node.outputs) ? node.outputs : {}))
        if (!declared.outputs.includes(name))
          reader.problem(
            at("outputs", name),
            `the component ${declared.file} has no output "${name}"; its outputs: ${declared.outputs.join(", ") || "none"}`,
          );
    }
    const nodeSetting = (key: string, convert: (v: unknown) => Result<Record<string, unknown>>) => {
      if (node[key] === undefined) return undefined;
      if (type !== "command") {
        reader.problem(at(key), `${key} is set on command nodes only`);
        return undefined;
      }
      const converted = convert(node[key]);
      if (!converted.ok) reader.problem(at(key), converted.errors.join("; "));
      return converted.ok ? converted.value : undefined;
    };
    jobs[nodeName] = withoutUndefined({
      name: nodeName,
      type,
      componentId: type === "sweep" ? undefined : componentId,
      trial: type === "sweep" && componentId !== undefined ? { componentId } : undefined,
      computeId,
      resources:
        type === "parallel" || type === "spark"
          ? undefined
          : nodeSetting("resources", restResources),
      distribution: nodeSetting("distribution", restDistribution),
      limits: type === "sweep" ? node.limits : nodeSetting("limits", restCommandLimits),
      services: nodeSetting("services", restServices),
      display_name: node.display_name,
      tags: node.tags,
      environment_variables: node.environment_variables,
      ...parallel,
      ...spark,
      ...sweep,
      inputs: Object.keys(nodeInputs).length > 0 ? nodeInputs : undefined,
      outputs: Object.keys(nodeOutputs).length > 0 ? nodeOutputs : undefined,
      _source: source,
    });
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
  const computeId =
    typeof spec.compute === "string"
      ? spec.compute === "serverless"
        ? spec.compute
        : reader.refer(["compute"], workspaceResourceReference("computes", spec.compute))
      : undefined;
  const rawSettings = isRecord(spec.settings) ? spec.settings : {};
  // A pipeline component's nodes may take their compute from the job that runs it.
  if (
    !asComponent &&
    rawSettings.default_compute === undefined &&
    spec.compute === undefined &&
    someNodeWithoutCompute
  )
    reader.problem(
      spec.settings === undefined ? ["jobs"] : ["settings"],
      "no compute: set compute or settings.default_compute, or compute on every job",
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
      computeId,
      componentId: topComponentId,
      tags: (spec.tags ?? {}) as Record<string, string>,
      settings: {
        defaultCompute: resource("computes", "default_compute"),
        defaultDatastore: resource("datastores", "default_datastore"),
        continueOnStepFailure: settings.continue_on_step_failure as boolean | undefined,
        forceRerun: settings.force_rerun as boolean | undefined,
        others: Object.fromEntries(
          Object.entries(settings).filter(([key]) => !Object.hasOwn(SETTINGS_SPEC.fields, key)),
        ),
      },
      inputs,
      outputs,
      jobs,
      assets: assets.manifest,
    },
  };
}
