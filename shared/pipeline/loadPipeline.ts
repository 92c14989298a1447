import type { ConfigIssue } from "../config/configError";
import { parseWithSchema, readYamlFile } from "../config/yamlFile";
import {
  type JobInputValue,
  literalText,
  type NodeInput,
  type NodeOutput,
  type Pipeline,
  type PipelineNode,
  SWAGGER_VALUE_PATTERN,
} from "./pipeline";
import { type AssetInputYaml, pipelineSchema, REFUSED_KEY_ADVICE } from "./pipelineSchema";
import {
  assetPathProblem,
  componentReference,
  outputPathProblem,
  type Reference,
  workspaceResourceReference,
} from "./references";

const BINDING =
  /^\$\{\{\s*parent\.(?:inputs\.([A-Za-z_][\w]*)|outputs\.([A-Za-z_][\w]*)|jobs\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w]*))\s*\}\}$/;

/** Loads an Azure ML CLI v2 pipeline job YAML and checks everything that can be checked without Azure. */
export function loadPipeline(
  file: string,
  displayName: string,
): { ok: true; value: Pipeline } | { ok: false; issues: ConfigIssue[] } {
  const read = readYamlFile(file, displayName);
  if (!read.ok) return read;
  const yaml = read.value;
  const parsed = parseWithSchema(yaml, pipelineSchema, (issue) => {
    const key = issue.path[issue.path.length - 1];
    if (issue.code === "unrecognized_keys" && typeof key === "string") {
      const advice = REFUSED_KEY_ADVICE[key];
      return advice === undefined
        ? `unknown or unsupported key "${key}"`
        : `"${key}" is not supported: ${advice}`;
    }
    return undefined;
  });
  if (!parsed.ok) return parsed;
  const spec = parsed.value;
  const issues: ConfigIssue[] = [];
  const refer = (path: PropertyKey[], ref: Reference) => {
    if (ref.ok) return ref.resolve;
    issues.push(yaml.issueAt(path, ref.error));
    return undefined;
  };
  const asset = (path: PropertyKey[], input: AssetInputYaml): JobInputValue => {
    const problem = assetPathProblem(input.path);
    if (problem !== undefined) issues.push(yaml.issueAt([...path, "path"], problem));
    return {
      kind: "asset",
      type: input.type,
      uri: input.path,
      mode: input.mode,
      description: input.description,
    };
  };

  const inputs: Record<string, JobInputValue> = {};
  for (const [name, value] of Object.entries(spec.inputs ?? {})) {
    if (typeof value === "object") {
      inputs[name] = asset(["inputs", name], value);
      continue;
    }
    const text = literalText(value);
    if (!SWAGGER_VALUE_PATTERN.test(text))
      issues.push(
        yaml.issueAt(
          ["inputs", name],
          `literal input must contain a letter, digit or underscore (the jobs API refuses ${JSON.stringify(text)})`,
        ),
      );
    inputs[name] = { kind: "literal", value: text };
  }
  const outputs: Pipeline["outputs"] = {};
  for (const [name, output] of Object.entries(spec.outputs ?? {})) {
    if (output.path !== undefined) {
      const problem = outputPathProblem(output.path);
      if (problem !== undefined) issues.push(yaml.issueAt(["outputs", name, "path"], problem));
    }
    outputs[name] = {
      type: output.type,
      mode: output.mode,
      uri: output.path,
      description: output.description,
    };
  }

  const nodeNames = new Set(Object.keys(spec.jobs));
  const upstream = new Map<string, Set<string>>();
  const jobs: Record<string, PipelineNode> = {};
  for (const [nodeName, node] of Object.entries(spec.jobs)) {
    const at = (...rest: PropertyKey[]) => ["jobs", nodeName, ...rest];
    const dependsOn = new Set<string>();
    upstream.set(nodeName, dependsOn);
    // True when `text` is a ${{parent...}} binding; any problem with it is recorded.
    const isBinding = (path: PropertyKey[], text: string, allowed: "input" | "output"): boolean => {
      const match = BINDING.exec(text);
      if (!match) {
        if (text.includes("${{"))
          issues.push(
            yaml.issueAt(
              path,
              `"${text}" is not a binding this converter understands; expected \${{parent.inputs.<name>}}, \${{parent.jobs.<node>.outputs.<name>}} or \${{parent.outputs.<name>}}`,
            ),
          );
        return false;
      }
      const [, parentInput, parentOutput, job] = match;
      if (allowed === "output" && parentOutput === undefined) {
        issues.push(
          yaml.issueAt(path, `a node output can only bind to \${{parent.outputs.<name>}}`),
        );
      } else if (allowed === "input" && parentOutput !== undefined) {
        issues.push(
          yaml.issueAt(
            path,
            `a node input cannot read a pipeline output; use \${{parent.jobs.<node>.outputs.<name>}}`,
          ),
        );
      } else if (parentInput !== undefined && !(parentInput in inputs)) {
        issues.push(
          yaml.issueAt(
            path,
            `binds to pipeline input "${parentInput}", which the pipeline does not declare`,
          ),
        );
      } else if (parentOutput !== undefined && !(parentOutput in outputs)) {
        issues.push(
          yaml.issueAt(
            path,
            `binds to pipeline output "${parentOutput}", which the pipeline does not declare`,
          ),
        );
      } else if (job !== undefined && !nodeNames.has(job)) {
        issues.push(yaml.issueAt(path, `binds to job "${job}", which the pipeline does not have`));
      } else if (job !== undefined) {
        dependsOn.add(job);
      }
      return true;
    };

    const nodeInputs: Record<string, NodeInput> = {};
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (typeof value === "object") nodeInputs[name] = asset(at("inputs", name), value);
      else if (typeof value === "string" && isBinding(at("inputs", name), value, "input"))
        nodeInputs[name] = { kind: "binding", expression: value };
      else nodeInputs[name] = { kind: "literal", value: literalText(value) };
    }
    const nodeOutputs: Record<string, NodeOutput> = {};
    for (const [name, value] of Object.entries(node.outputs ?? {})) {
      if (typeof value === "string") {
        if (!isBinding(at("outputs", name), value, "output") && !value.includes("${{")) {
          issues.push(
            yaml.issueAt(
              at("outputs", name),
              `a node output is a binding \${{parent.outputs.<name>}} or an object with type and mode`,
            ),
          );
        }
        nodeOutputs[name] = { kind: "binding", expression: value };
      } else {
        if (value.path !== undefined) {
          const problem = outputPathProblem(value.path);
          if (problem !== undefined)
            issues.push(yaml.issueAt(at("outputs", name, "path"), problem));
        }
        nodeOutputs[name] = {
          kind: "output",
          type: value.type,
          mode: value.mode,
          uri: value.path,
          description: value.description,
        };
      }
    }
    const componentId = refer(at("component"), componentReference(node.component));
    const computeId =
      node.compute === undefined
        ? undefined
        : refer(at("compute"), workspaceResourceReference("computes", node.compute));
    jobs[nodeName] = {
      componentId: componentId ?? (() => ""),
      computeId,
      displayName: node.display_name,
      description: node.description,
      tags: node.tags,
      environmentVariables: node.environment_variables,
      inputs: nodeInputs,
      outputs: nodeOutputs,
    };
  }
  const cycle = findCycle(upstream);
  if (cycle)
    issues.push(yaml.issueAt(["jobs", cycle[0] ?? ""], `jobs form a cycle: ${cycle.join(" → ")}`));

  const settings = spec.settings ?? {};
  const pipeline: Pipeline = {
    file: displayName,
    displayName: spec.display_name,
    experimentName: spec.experiment_name,
    description: spec.description,
    tags: spec.tags ?? {},
    settings: {
      defaultCompute:
        settings.default_compute === undefined
          ? undefined
          : refer(
              ["settings", "default_compute"],
              workspaceResourceReference("computes", settings.default_compute),
            ),
      defaultDatastore:
        settings.default_datastore === undefined
          ? undefined
          : refer(
              ["settings", "default_datastore"],
              workspaceResourceReference("datastores", settings.default_datastore),
            ),
      continueOnStepFailure: settings.continue_on_step_failure,
      forceRerun: settings.force_rerun,
    },
    inputs,
    outputs,
    jobs,
  };
  if (
    settings.default_compute === undefined &&
    Object.values(spec.jobs).some((job) => job.compute === undefined)
  ) {
    issues.push(
      yaml.issueAt(
        ["settings"],
        "no compute: set settings.default_compute, or compute on every job",
      ),
    );
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: pipeline };
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
