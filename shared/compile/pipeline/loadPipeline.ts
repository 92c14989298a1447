import { existsSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";

import { type JobOutputValue, withoutUndefined } from "../../compiled/restShapes";
import { COMPONENT_SOURCES } from "../../compiled/vocabulary";
import { isRecord } from "../../guards";
import type { ConfigIssue } from "../config/configError";
import { readYamlFile } from "../config/yamlFile";
import { AssetCollector, componentInterface, writtenInputs } from "./components";
import { findCycle } from "./findCycle";
import { bindingCheck, type BindingScope, checkOutputBindings } from "./nodes/bindings";
import type { LoadedComponent, NodeContext } from "./nodes/context";
import { jobOutputs } from "./nodes/jobOutputs";
import { outputTypes } from "./nodes/outputTypes";
import { nodeType } from "./nodes/registry";
import type { Pipeline, PipelineInput, RestNode } from "./pipeline";
import { type Path, PipelineReader } from "./pipelineReader";
import { PIPELINE_COMPONENT_SPEC, PIPELINE_SPEC, SETTINGS_SPEC } from "./pipelineSchema";
import { componentReference, localComponentFile, workspaceResourceReference } from "./references";

/** The pipeline being loaded, as a pipeline component it uses needs it. */
interface Loading {
  reader: PipelineReader;
  file: string;
  displayName: string;
  assets: AssetCollector;
  /** The files on the way here, this one last. */
  trail: readonly string[];
}

/**
 * A pipeline component, as a file next to the pipeline: compiled like a pipeline and registered as
 * an anonymous component; a cycle of components is refused.
 */
function pipelineComponent(
  loading: Loading,
  path: Path,
  reference: string,
): LoadedComponent | undefined {
  const { reader, file, displayName, assets, trail } = loading;
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
  reader.warnings.push(...(loaded.warnings ?? []));
  if (!loaded.ok) {
    reader.issues.push(...loaded.issues);
    return undefined;
  }
  const raw = readYamlFile(componentPath, shown);
  const source = raw.ok && isRecord(raw.value.data) ? raw.value.data : {};
  const componentSpec = withoutUndefined({
    $schema: source.$schema,
    type: "pipeline",
    name: source.name,
    version:
      typeof source.version === "string" || typeof source.version === "number"
        ? String(source.version)
        : undefined,
    display_name: source.display_name,
    description: source.description,
    tags: source.tags,
    inputs: raw.ok ? writtenInputs(raw.value) : source.inputs,
    outputs: source.outputs,
    jobs: loaded.value.jobs,
    _source: COMPONENT_SOURCES.component,
  });
  return {
    id: assets.component(componentSpec, componentPath),
    declared: componentInterface(shown, source),
  };
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
  | { ok: true; value: Pipeline; warnings: ConfigIssue[] }
  | {
      ok: false;
      issues: ConfigIssue[];
      inputs?: Record<string, PipelineInput>;
      warnings?: ConfigIssue[];
    } {
  const read = readYamlFile(file, displayName);
  if (!read.ok) return read;
  const asComponent = within.length > 0;
  const reader = new PipelineReader(read.value, dirname(file), assets);
  const spec = reader.mapping(
    [],
    read.value.data,
    asComponent ? PIPELINE_COMPONENT_SPEC : PIPELINE_SPEC,
  );
  if (!spec) return { ok: false, issues: reader.issues, warnings: reader.warnings };
  const loading: Loading = { reader, file, displayName, assets, trail: [...within, file] };

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
        : pipelineComponent(loading, ["component"], local)?.id;
  } else if (
    spec.jobs === undefined &&
    isRecord(read.value.data) &&
    read.value.data.jobs === undefined
  )
    reader.problem(
      [],
      `${asComponent ? "a pipeline component" : "a pipeline job"} needs "jobs" (or, for a job, a pipeline "component")`,
    );
  const scope: BindingScope = {
    reader,
    declaredInputs,
    declaredOutputs,
    nodeNames: new Set(Object.keys(rawJobs)),
    jobOutputs: jobOutputs(rawJobs, dirname(file)),
  };
  checkOutputBindings(scope);
  const inPipeline: Omit<NodeContext, "nodeName" | "at" | "isBinding"> = {
    reader,
    file,
    displayName,
    assets,
    declaredInputs,
    declaredOutputs,
    outputTypeOf: outputTypes(rawJobs, dirname(file), declaredOutputs),
    pipelineComponent: (path, reference) => pipelineComponent(loading, path, reference),
  };
  const upstream = new Map<string, Set<string>>();
  const jobs: Record<string, RestNode> = {};
  let someNodeWithoutCompute = false;
  for (const [nodeName, rawNode] of reader.entries(["jobs"], rawJobs)) {
    const at = (...rest: PropertyKey[]) => ["jobs", nodeName, ...rest];
    // A node type this converter does not serialize yet gets one message, not one per unknown key.
    const type = nodeType(
      isRecord(rawNode) && typeof rawNode.type === "string" ? rawNode.type : "command",
    );
    if (!type.ok) {
      reader.problem(at("type"), type.errors.join("; "));
      continue;
    }
    const dependsOn = new Set<string>();
    upstream.set(nodeName, dependsOn);
    const isBinding = bindingCheck(scope, dependsOn);
    const node = type.value.compile(rawNode, { ...inPipeline, nodeName, at, isBinding });
    if (!node) continue;
    jobs[nodeName] = node;
    if (type.value.usesPipelineCompute && isRecord(rawNode) && rawNode.compute === undefined)
      someNodeWithoutCompute = true;
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
      ? reader.refer(["compute"], workspaceResourceReference("computes", spec.compute))
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
  if (reader.issues.length > 0)
    return { ok: false, issues: reader.issues, inputs, warnings: reader.warnings };
  return {
    ok: true,
    warnings: reader.warnings,
    value: {
      file: displayName,
      displayName: spec.display_name as string | undefined,
      // azure-ai-ml names the experiment after the job file's folder when the file names none.
      experimentName: (spec.experiment_name as string | undefined) ?? basename(dirname(file)),
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
