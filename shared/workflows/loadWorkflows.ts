import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";

import picomatch from "picomatch";

import { ConfigError, type ConfigIssue } from "../config/configError";
import { parseWithSchema, readYamlFile } from "../config/yamlFile";
import { AML_EVENT_TYPES } from "../constants";
import type { Result } from "../outcome";
import { loadPipeline } from "../pipeline/loadPipeline";
import type { Pipeline } from "../pipeline/pipeline";
import { parseTemplate, type Template, usesModel } from "./template";
import type { InputTemplate, Workflow, WorkflowsConfig } from "./workflow";
import { workflowsFileSchema, type WorkflowYaml } from "./workflowsSchema";

const AML_PREFIX = "Microsoft.MachineLearningServices.";
const KNOWN_AML_TYPES = new Set<string>(Object.values(AML_EVENT_TYPES).map((t) => t.toLowerCase()));

function compileGlob(glob: string): Result<(value: string) => boolean> {
  try {
    // strictBrackets makes an unclosed "[" an error instead of a literal.
    const options = { dot: true, strictBrackets: true };
    // picomatch turns a pattern it cannot compile (e.g. the range [z-a]) into one that matches nothing.
    if (picomatch.makeRe(glob, options).source === "$^") {
      return {
        ok: false,
        errors: [`"${glob}" is not a valid glob (it can never match; is a range reversed?)`],
      };
    }
    const matcher = picomatch(glob, options);
    return { ok: true, value: (value: string) => matcher(value) };
  } catch (error) {
    return { ok: false, errors: [`"${glob}" is not a valid glob (${(error as Error).message})`] };
  }
}

/** Loads `workflows.yaml` and every pipeline it names; all problems come back together as one ConfigError. */
export function loadWorkflows(
  file: string,
): { ok: true; value: WorkflowsConfig } | { ok: false; error: ConfigError } {
  const shown = (path: string) => relative(process.cwd(), path) || path;
  const read = readYamlFile(file, shown(file));
  if (!read.ok) return { ok: false, error: new ConfigError(read.issues) };
  const yaml = read.value;
  const parsed = parseWithSchema(yaml, workflowsFileSchema);
  if (!parsed.ok) return { ok: false, error: new ConfigError(parsed.issues) };

  const issues: ConfigIssue[] = [];
  const pipelines = new Map<string, Pipeline | undefined>();
  const seen = new Set<string>();
  const workflows: Workflow[] = [];
  parsed.value.workflows.forEach((spec, index) => {
    const at = (...path: PropertyKey[]) => ["workflows", index, ...path];
    const problem = (path: PropertyKey[], message: string) =>
      issues.push(yaml.issueAt(at(...path), message));
    if (seen.has(spec.name))
      problem(["name"], `workflow name "${spec.name}" is used twice; names must be unique`);
    seen.add(spec.name);

    const pipelineFile = resolve(dirname(file), spec.pipeline);
    const inside = relative(dirname(file), pipelineFile);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      // Only the config's folder is deployed with the function, so a pipeline elsewhere would be missing in Azure.
      problem(
        ["pipeline"],
        `pipeline "${spec.pipeline}" must be a file under ${shown(dirname(file))}, the folder that is deployed with the function`,
      );
    } else if (!existsSync(pipelineFile)) {
      problem(
        ["pipeline"],
        `pipeline file not found: ${shown(pipelineFile)} (paths resolve against ${shown(dirname(file))})`,
      );
    } else if (!pipelines.has(pipelineFile)) {
      const loaded = loadPipeline(pipelineFile, shown(pipelineFile));
      if (!loaded.ok) issues.push(...loaded.issues);
      pipelines.set(pipelineFile, loaded.ok ? loaded.value : undefined);
    }
    const pipeline = pipelines.get(pipelineFile);
    const workflow = buildWorkflow(spec, pipeline, problem);
    if (workflow && pipeline) workflows.push({ ...workflow, pipeline });
  });
  if (issues.length > 0) return { ok: false, error: new ConfigError(issues) };

  const eventTypes = [
    ...new Set(parsed.value.workflows.flatMap((w) => (typeof w.on === "string" ? [w.on] : w.on))),
  ];
  return { ok: true, value: { file: shown(file), workflows, eventTypes } };
}

function buildWorkflow(
  spec: WorkflowYaml,
  pipeline: Pipeline | undefined,
  problem: (path: PropertyKey[], message: string) => void,
): Omit<Workflow, "pipeline"> | undefined {
  const on = typeof spec.on === "string" ? [spec.on] : spec.on;
  on.forEach((type, i) => {
    if (type.startsWith(AML_PREFIX) && !KNOWN_AML_TYPES.has(type.toLowerCase())) {
      problem(
        typeof spec.on === "string" ? ["on"] : ["on", i],
        `unknown Azure ML event type "${type}"; known: ${Object.values(AML_EVENT_TYPES).join(", ")}`,
      );
    }
  });
  const onModelRegistered = on.some(
    (t) => t.toLowerCase() === AML_EVENT_TYPES.modelRegistered.toLowerCase(),
  );
  const needsModel = (path: PropertyKey[], what: string) => {
    if (!onModelRegistered)
      problem(
        path,
        `${what} needs a model, and only ${AML_EVENT_TYPES.modelRegistered} events carry one; add it to "on"`,
      );
  };

  const glob = (path: PropertyKey[], pattern: string | undefined) => {
    if (pattern === undefined) return undefined;
    const compiled = compileGlob(pattern);
    if (!compiled.ok) problem(path, compiled.errors.join("; "));
    return compiled.ok ? compiled.value : undefined;
  };
  if (spec.when?.model !== undefined) needsModel(["when", "model"], "when.model");
  if (spec.when?.tags !== undefined) needsModel(["when", "tags"], "when.tags");
  const when: Workflow["when"] = {
    model: glob(["when", "model"], spec.when?.model),
    subject: glob(["when", "subject"], spec.when?.subject),
    tags: Object.entries(spec.when?.tags ?? {}).flatMap(([key, pattern]) => {
      const matcher = glob(["when", "tags", key], pattern);
      return matcher ? [[key, matcher] as [string, (value: string) => boolean]] : [];
    }),
  };

  const inputs: Record<string, InputTemplate> = {};
  for (const [name, value] of Object.entries(spec.inputs ?? {})) {
    const path = ["inputs", name];
    const declared = pipeline?.inputs[name];
    if (pipeline && declared === undefined) {
      const known = Object.keys(pipeline.inputs);
      problem(
        path,
        `the pipeline ${pipeline.file} declares no input "${name}"${known.length > 0 ? `; its inputs: ${known.join(", ")}` : ""}`,
      );
      continue;
    }
    const text =
      typeof value === "object" ? value.path : typeof value === "string" ? value : String(value);
    const template = parseTemplate(text);
    if (!template.ok) {
      problem(typeof value === "object" ? [...path, "path"] : path, template.errors.join("; "));
      continue;
    }
    if (usesModel(template.value)) needsModel(path, "a model placeholder");
    if (typeof value === "object") {
      if (declared && declared.kind !== "asset")
        problem(path, `the pipeline declares "${name}" as a literal, not an asset`);
      else if (declared && declared.type !== value.type)
        problem(
          [...path, "type"],
          `the pipeline declares "${name}" as ${declared.type}, not ${value.type}`,
        );
      inputs[name] = {
        kind: "asset",
        type: value.type,
        mode: value.mode,
        template: template.value,
      };
    } else {
      if (declared?.kind === "asset")
        problem(
          path,
          `the pipeline declares "${name}" as a ${declared.type} asset; give { type: ${declared.type}, path: ... }`,
        );
      inputs[name] = { kind: "literal", template: literalTemplate(value, template.value) };
    }
  }
  return {
    name: spec.name,
    on: on.map((t) => t.toLowerCase()),
    when,
    experiment: spec.experiment,
    inputs,
  };
}

function literalTemplate(value: string | number | boolean, parsed: Template): Template {
  // Python-style booleans, as azure-ai-ml sends them.
  return typeof value === "boolean" ? [{ text: value ? "True" : "False" }] : parsed;
}

/** Loads the config or throws one ConfigError naming every problem: for start-up. */
export function loadWorkflowsOrThrow(file: string): WorkflowsConfig {
  const loaded = loadWorkflows(file);
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
}
