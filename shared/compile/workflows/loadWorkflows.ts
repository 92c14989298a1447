import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";

import * as z from "zod/mini";

import {
  COMPILED_FORMAT,
  type CompiledConfig,
  type CompiledPipeline,
  type CompiledTag,
  type CompiledWorkflow,
  type Template,
} from "../../compiled/compiledConfig";
import { AML_EVENT_TYPES, AZURE_EVENT_TYPES, WATCHED_EVENT_TYPES } from "../../constants";
import { isRecord } from "../../guards";
import { compileGlob } from "../../workflows/glob";
import { hydrate } from "../../workflows/hydrate";
import { parseTemplate, usesBlob, usesModel, usesUpstream } from "../../workflows/template";
import type { InputTemplate, WorkflowsConfig } from "../../workflows/workflow";
import { ConfigError, type ConfigIssue } from "../config/configError";
import { checkMapping, describeValue, namedEntries } from "../config/fields";
import { readYamlFile, type YamlFile } from "../config/yamlFile";
import { compilePipeline } from "../pipeline/compilePipeline";
import { AssetCollector } from "../pipeline/components";
import { gitLineage } from "../pipeline/gitLineage";
import { loadPipeline } from "../pipeline/loadPipeline";
import type { Pipeline, PipelineInput } from "../pipeline/pipeline";
import { pythonLiteralText } from "../pipeline/pythonText";
import { resolveEventType } from "./resolveEventType";
import { parseWindowDuration } from "./windowDuration";
import {
  AFTER_SPEC,
  COALESCE_SPEC,
  WHEN_SPEC,
  WORKFLOW_ASSET_SPEC,
  WORKFLOW_SPEC,
} from "./workflowsSchema";

type Path = PropertyKey[];

const FILE_SPEC = {
  what: "the workflows file",
  required: ["workflows"],
  fields: {
    workflows: z.array(z.unknown()).check(z.minLength(1, "list at least one workflow")),
  },
};

/**
 * Compiles `workflows.yaml` and every pipeline it names into the JSON form the function loads.
 * Every part is checked on its own, so all problems come back together, each with file:line:col,
 * as one ConfigError.
 */
export function compileWorkflows(
  file: string,
):
  | { ok: true; value: CompiledConfig; warnings: ConfigIssue[] }
  | { ok: false; error: ConfigError; warnings: ConfigIssue[] } {
  const shown = (path: string) => relative(process.cwd(), path) || path;
  const read = readYamlFile(file, shown(file));
  if (!read.ok) return { ok: false, error: new ConfigError(read.issues), warnings: [] };
  const yaml = read.value;
  const issues: ConfigIssue[] = [];
  // Said about the pipelines, never refused (an input a pipeline component does not declare).
  const warnings: ConfigIssue[] = [];
  const top = checkMapping(yaml, [], yaml.data, FILE_SPEC, issues);
  const entries = (top?.workflows ?? []) as unknown[];

  const pipelines = new Map<string, Loaded>();
  const seen = new Set<string>();
  const workflows: CompiledWorkflow[] = [];
  const compiledPipelines: Record<string, CompiledPipeline> = {};
  // The config's git lineage, read once, goes into every job (as `az ml job create` adds it).
  let lineage: Record<string, string> | undefined;
  entries.forEach((entry, index) => {
    const at = (...path: Path) => ["workflows", index, ...path];
    const problem = (path: Path, message: string) =>
      issues.push(yaml.issueAt(at(...path), message));
    const spec = checkMapping(yaml, at(), entry, WORKFLOW_SPEC, issues);
    if (!spec) return;
    const name = spec.name as string | undefined;
    if (name !== undefined && seen.has(name))
      problem(["name"], `workflow name "${name}" is used twice; names must be unique`);
    if (name !== undefined) seen.add(name);

    let loaded: Loaded | undefined;
    if (typeof spec.pipeline === "string") {
      const pipelineFile = resolve(dirname(file), spec.pipeline);
      const inside = relative(dirname(file), pipelineFile);
      if (inside === "" || inside.startsWith("..") || isAbsolute(inside))
        // Only the config's folder is deployed with the function, so a pipeline elsewhere would be missing in Azure.
        problem(
          ["pipeline"],
          `pipeline "${spec.pipeline}" must be a file under ${shown(dirname(file))}, the folder that is deployed with the function`,
        );
      else if (!existsSync(pipelineFile))
        problem(
          ["pipeline"],
          `pipeline file not found: ${shown(pipelineFile)} (paths resolve against ${shown(dirname(file))})`,
        );
      else {
        if (!pipelines.has(pipelineFile)) {
          const result = loadPipeline(
            pipelineFile,
            shown(pipelineFile),
            new AssetCollector(dirname(file)),
          );
          if (!result.ok) issues.push(...result.issues);
          warnings.push(...(result.warnings ?? []));
          pipelines.set(
            pipelineFile,
            result.ok
              ? { file: result.value.file, inputs: result.value.inputs, pipeline: result.value }
              : { file: shown(pipelineFile), inputs: result.inputs },
          );
        }
        loaded = pipelines.get(pipelineFile);
      }
    }
    const workflow = buildWorkflow(
      yaml,
      at,
      entry as Record<string, unknown>,
      spec,
      loaded,
      issues,
    );
    const pipeline = loaded?.pipeline;
    if (workflow && pipeline && name !== undefined && issues.length === 0) {
      const key = relative(dirname(file), resolve(dirname(file), spec.pipeline as string))
        .split("\\")
        .join("/");
      lineage ??= gitLineage(dirname(file));
      compiledPipelines[key] ??= compilePipeline(pipeline, key, lineage);
      workflows.push({ ...workflow, name, pipeline: key });
    }
  });
  checkChains(yaml, entries, issues);
  if (issues.length > 0)
    return { ok: false, error: new ConfigError(inReadingOrder(issues)), warnings };
  return {
    ok: true,
    warnings,
    value: {
      format: COMPILED_FORMAT,
      source: shown(file),
      workflows,
      pipelines: compiledPipelines,
      // A workflow that reports needs to hear how its jobs end.
      eventTypes: [
        ...new Set([
          ...workflows.flatMap((w) => w.on),
          ...(workflows.some((w) => w.report !== undefined)
            ? [AML_EVENT_TYPES.runCompleted, AML_EVENT_TYPES.runStatusChanged]
            : []),
        ]),
      ],
    },
  };
}

/**
 * Chained workflows must follow a workflow that exists, and no chain may come back to where it
 * started (A starts B starts A would run forever).
 */
function checkChains(yaml: YamlFile, entries: unknown[], issues: ConfigIssue[]): void {
  const follows = new Map<string, { upstream: string; index: number }>();
  const names = new Set<string>();
  entries.forEach((entry, index) => {
    if (!isRecord(entry) || typeof entry.name !== "string") return;
    names.add(entry.name);
    if (isRecord(entry.on) && typeof entry.on.workflow === "string")
      follows.set(entry.name, { upstream: entry.on.workflow, index });
  });
  const reported = new Set<string>();
  for (const [name, { upstream, index }] of follows) {
    if (!names.has(upstream)) {
      issues.push(
        yaml.issueAt(
          ["workflows", index, "on", "workflow"],
          `no workflow is named "${upstream}"; workflows: ${[...names].join(", ")}`,
        ),
      );
      continue;
    }
    const chain = [name];
    for (
      let next = follows.get(name)?.upstream;
      next !== undefined;
      next = follows.get(next)?.upstream
    ) {
      if (next === name) {
        if (!reported.has(name))
          issues.push(
            yaml.issueAt(
              ["workflows", index, "on", "workflow"],
              `workflows start each other in a loop: ${[...chain, name].reverse().join(" → ")}`,
            ),
          );
        chain.forEach((n) => reported.add(n));
        break;
      }
      if (chain.includes(next)) break;
      chain.push(next);
    }
  }
}

/** Compiles the config and makes it ready for events (what `plan`, `npm start` and the tools use). */
export function loadWorkflows(
  file: string,
):
  | { ok: true; value: WorkflowsConfig; warnings: ConfigIssue[] }
  | { ok: false; error: ConfigError; warnings: ConfigIssue[] } {
  const compiled = compileWorkflows(file);
  if (!compiled.ok) return compiled;
  const hydrated = hydrate(compiled.value);
  // Every glob was checked while compiling; a failure here is a bug, not a config problem.
  if (!hydrated.ok) throw new Error(hydrated.errors.join("; "));
  return { ok: true, value: hydrated.value, warnings: compiled.warnings };
}

/** A pipeline file as read: the pipeline when valid, and the inputs it declares whenever they parsed. */
interface Loaded {
  file: string;
  inputs?: Record<string, PipelineInput>;
  pipeline?: Pipeline;
}

/** The config's problems first, then each pipeline's, each by line: the order a person reads them. */
function inReadingOrder(issues: ConfigIssue[]): ConfigIssue[] {
  const files = [...new Set(issues.map((i) => i.file))];
  return [...issues].sort(
    (a, b) =>
      files.indexOf(a.file) - files.indexOf(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

function buildWorkflow(
  yaml: YamlFile,
  at: (...path: Path) => Path,
  raw: Record<string, unknown>,
  spec: Record<string, unknown>,
  pipeline: Loaded | undefined,
  issues: ConfigIssue[],
): Omit<CompiledWorkflow, "pipeline" | "name"> | undefined {
  const problem = (path: Path, message: string) => issues.push(yaml.issueAt(at(...path), message));
  // `on: { workflow, status }`: a chained workflow, started by the end of another's job.
  let after: CompiledWorkflow["after"];
  if (isRecord(spec.on)) {
    const chained = checkMapping(yaml, at("on"), spec.on, AFTER_SPEC, issues);
    if (typeof chained?.workflow === "string")
      after = {
        workflow: chained.workflow,
        status: (chained.status as "Completed" | "Failed" | "Canceled" | undefined) ?? "Completed",
      };
  }
  const written =
    spec.on === undefined || isRecord(spec.on)
      ? after === undefined
        ? []
        : [
            after.status === "Failed"
              ? "RunStatusChanged"
              : after.status === "Canceled"
                ? "RunCanceled"
                : "RunCompleted",
          ]
      : typeof spec.on === "string"
        ? [spec.on]
        : (spec.on as string[]);
  const on: string[] = [];
  written.forEach((type, i) => {
    const resolved = resolveEventType(type);
    if (resolved.ok) on.push(resolved.value);
    else problem(typeof spec.on === "string" ? ["on"] : ["on", i], resolved.errors.join("; "));
  });
  // Only when "on" itself is valid can it say whether the workflow sees models.
  const onKnown = raw.on === undefined || (spec.on !== undefined && on.length === written.length);
  // A chained workflow's model is the one its upstream job's lineage names.
  const seesModels =
    after !== undefined ||
    on.some(
      (t) => t === AML_EVENT_TYPES.modelRegistered || t === WATCHED_EVENT_TYPES.modelTagsChanged,
    );
  const seesData = on.includes(WATCHED_EVENT_TYPES.dataVersionCreated);
  const seesBlobs = on.some((t) => t.toLowerCase() === AZURE_EVENT_TYPES.blobCreated.toLowerCase());
  const needsUpstream = (path: Path, template: Template) => {
    if (usesUpstream(template) && after === undefined && onKnown)
      problem(
        path,
        "upstream.* placeholders need a chained workflow: on: { workflow: <name>, status: Completed }",
      );
  };
  const needsModel = (path: Path, what: string) => {
    if (onKnown && !seesModels)
      problem(
        path,
        `${what} needs a model, and only ModelRegistered and ModelTagsChanged events carry one; add one of them to "on"`,
      );
  };
  const needsBlob = (path: Path, template: Template) => {
    if (usesBlob(template) && onKnown && !seesBlobs)
      problem(
        path,
        `blob.* placeholders need a ${AZURE_EVENT_TYPES.blobCreated} event; add it to "on"`,
      );
  };

  const when =
    spec.when === undefined
      ? {}
      : (checkMapping(yaml, at("when"), spec.when, WHEN_SPEC, issues) ?? {});
  // Globs stay text in the compiled form; compiling them here is the check.
  const glob = (path: Path, pattern: unknown) => {
    if (typeof pattern !== "string") return undefined;
    const compiled = compileGlob(pattern);
    if (!compiled.ok) problem(path, compiled.errors.join("; "));
    return compiled.ok ? pattern : undefined;
  };
  if (when.model !== undefined) needsModel(["when", "model"], "when.model");
  if (when.data !== undefined && onKnown && !seesData)
    problem(
      ["when", "data"],
      'when.data names data assets, and only DataVersionCreated events carry one; add DataVersionCreated to "on"',
    );
  if (when.tags !== undefined) needsModel(["when", "tags"], "when.tags");
  const tags: CompiledTag[] = [];
  for (const [key, expected] of Object.entries(
    (when.tags ?? {}) as Record<string, string | number | boolean>,
  )) {
    if (typeof expected === "boolean") tags.push({ key, expected: { boolean: expected } });
    else {
      const pattern = glob(["when", "tags", key], String(expected));
      if (pattern !== undefined) tags.push({ key, expected: { glob: pattern } });
    }
  }

  const inputs: Record<string, InputTemplate> = {};
  const supplied = (spec.inputs ?? {}) as Record<string, unknown>;
  for (const [name, value] of namedEntries(yaml, at("inputs"), supplied, issues)) {
    const path = ["inputs", name];
    const declared =
      pipeline?.inputs && Object.hasOwn(pipeline.inputs, name) ? pipeline.inputs[name] : undefined;
    if (pipeline?.inputs && declared === undefined) {
      const known = Object.keys(pipeline.inputs);
      problem(
        path,
        `the pipeline ${pipeline.file} declares no input "${name}"${known.length > 0 ? `; its inputs: ${known.join(", ")}` : ""}`,
      );
      continue;
    }
    const declaredAsset =
      declared !== undefined &&
      (declared.kind === "asset" || (declared.kind === "open" && declared.asset));
    const declaredType =
      declared === undefined ? undefined : declared.kind === "literal" ? "literal" : declared.type;
    if (isRecord(value)) {
      const asset = checkMapping(yaml, at(...path), value, WORKFLOW_ASSET_SPEC, issues);
      if (!asset || typeof asset.path !== "string" || typeof asset.type !== "string") continue;
      const template = parseTemplate(asset.path);
      if (!template.ok) {
        problem([...path, "path"], template.errors.join("; "));
        continue;
      }
      if (usesModel(template.value)) needsModel(path, "a model placeholder");
      needsUpstream([...path, "path"], template.value);
      needsBlob([...path, "path"], template.value);
      if (declared && !declaredAsset)
        problem(
          path,
          `the pipeline declares "${name}" as a literal, not an asset; give a value, not { type, path }`,
        );
      else if (declared && declaredType !== asset.type)
        problem(
          [...path, "type"],
          `the pipeline declares "${name}" as ${declaredType ?? "?"}, not ${asset.type}`,
        );
      inputs[name] = {
        kind: "asset",
        type: asset.type as "uri_folder",
        mode: asset.mode as "ro_mount" | undefined,
        template: template.value,
      };
      continue;
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      problem(
        path,
        `must be text, a number, true/false or { type, path }, not ${describeValue(value)}`,
      );
      continue;
    }
    const template = parseTemplate(String(value));
    if (!template.ok) {
      problem(path, template.errors.join("; "));
      continue;
    }
    if (usesModel(template.value)) needsModel(path, "a model placeholder");
    needsUpstream(path, template.value);
    needsBlob(path, template.value);
    if (declaredAsset)
      problem(
        path,
        `the pipeline declares "${name}" as a ${declaredType ?? ""} asset; give { type: ${declaredType ?? ""}, path: ... }`,
      );
    inputs[name] = {
      kind: "literal",
      template:
        typeof value === "string"
          ? template.value
          : [{ text: pythonLiteralText(value, yaml.sourceAt(at(...path))) }],
    };
  }
  for (const [name, declared] of Object.entries(pipeline?.inputs ?? {}))
    if (declared.kind === "open" && !Object.hasOwn(supplied, name))
      problem(
        spec.inputs === undefined ? [] : ["inputs"],
        `the pipeline ${pipeline?.file ?? ""} declares input "${name}" (${declared.type}) without a value, and this workflow does not supply it under inputs`,
      );

  if (spec.report !== undefined) needsModel(["report"], "report: model-tags");
  let coalesce: CompiledWorkflow["coalesce"];
  const coalesceSpec =
    spec.coalesce === undefined
      ? undefined
      : checkMapping(yaml, at("coalesce"), spec.coalesce, COALESCE_SPEC, issues);
  if (coalesceSpec !== undefined) {
    const window = parseWindowDuration(coalesceSpec.window);
    if (!window.ok) problem(["coalesce", "window"], window.errors.join("; "));
    // A workflow on models coalesces per model name unless told otherwise.
    const keyText =
      typeof coalesceSpec.key === "string"
        ? coalesceSpec.key
        : seesModels || !onKnown
          ? "{{ model.name }}"
          : undefined;
    if (keyText === undefined)
      problem(
        ["coalesce"],
        "coalesce needs a key, such as {{ event.subject }} or {{ data.<field> }}: only ModelRegistered and ModelTagsChanged events have a model name to default to",
      );
    const key = keyText === undefined ? undefined : parseTemplate(keyText);
    if (key !== undefined && !key.ok) problem(["coalesce", "key"], key.errors.join("; "));
    if (key?.ok) {
      if (usesModel(key.value)) needsModel(["coalesce", "key"], "a model placeholder");
      needsUpstream(["coalesce", "key"], key.value);
      needsBlob(["coalesce", "key"], key.value);
      if (window.ok) coalesce = { key: key.value, windowSeconds: window.value };
    }
  }
  return {
    on,
    ...(after === undefined ? {} : { after }),
    ...(spec.report === undefined ? {} : { report: spec.report as "model-tags" }),
    ...(typeof spec.workspace === "string" ? { workspace: spec.workspace } : {}),
    when: {
      model: glob(["when", "model"], when.model),
      ...(when.data === undefined ? {} : { data: glob(["when", "data"], when.data) }),
      subject: glob(["when", "subject"], when.subject),
      tags,
    },
    experiment: spec.experiment as string | undefined,
    inputs,
    ...(coalesce === undefined ? {} : { coalesce }),
  };
}

/** Loads the config or throws one ConfigError naming every problem: for start-up. */
export function loadWorkflowsOrThrow(
  file: string,
  warn: (issue: ConfigIssue) => void = () => undefined,
): WorkflowsConfig {
  const loaded = loadWorkflows(file);
  for (const issue of loaded.warnings) warn(issue);
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
}
