import { isRecord } from "../../../guards";
import { didYouMean } from "../../config/closest";
import { ANY_BINDING, type PipelineReader } from "../pipelineReader";
import type { BindingCheck } from "./context";
import type { JobOutputsOf } from "./jobOutputs";

/** `${{parent.inputs.<name>}}`, `${{parent.outputs.<name>}}` or `${{parent.jobs.<node>.outputs.<name>}}`. */
export const BINDING =
  /^\$\{\{\s*parent\.(?:inputs\.([A-Za-z_][\w]*)|outputs\.([A-Za-z_][\w]*)|jobs\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w]*))\s*\}\}$/;

/** What a binding may name: the pipeline's declared inputs and outputs, its jobs and their outputs. */
export interface BindingScope {
  reader: PipelineReader;
  declaredInputs: Record<string, unknown>;
  declaredOutputs: Record<string, unknown>;
  nodeNames: ReadonlySet<string>;
  jobOutputs: JobOutputsOf;
}

/**
 * Why `${{parent.jobs.<job>.outputs.<output>}}` names nothing: no such job, or an output the job's
 * component does not declare (azure-ai-ml sends either as written, and the job fails in Azure).
 */
export function jobOutputProblem(
  scope: Pick<BindingScope, "nodeNames" | "jobOutputs">,
  job: string,
  output: string,
): string | undefined {
  const jobs = [...scope.nodeNames];
  if (!scope.nodeNames.has(job))
    return `binds to job "${job}", which the pipeline does not have; its jobs: ${jobs.join(", ") || "none"}${didYouMean(job, jobs)}`;
  const declared = scope.jobOutputs(job);
  if (declared === undefined || declared.outputs.includes(output)) return undefined;
  return `binds to output "${output}" of job "${job}", which ${declared.declaredBy} does not declare; its outputs: ${declared.outputs.join(", ") || "none"}${didYouMean(output, declared.outputs)}`;
}

/** A pipeline output whose path is a job's output (`${{parent.jobs.<job>.outputs.<name>}}`) names one that exists. */
export function checkOutputBindings(scope: BindingScope): void {
  for (const [name, value] of Object.entries(scope.declaredOutputs)) {
    const bound =
      isRecord(value) && typeof value.path === "string" ? BINDING.exec(value.path) : null;
    const [, , , job, output = ""] = bound ?? [];
    const problem = job === undefined ? undefined : jobOutputProblem(scope, job, output);
    if (problem !== undefined) scope.reader.problem(["outputs", name, "path"], problem);
  }
}

/** The binding check for one node; every job its bindings read is added to `dependsOn`. */
export function bindingCheck(scope: BindingScope, dependsOn: Set<string>): BindingCheck {
  const { reader, declaredInputs, declaredOutputs } = scope;
  return (path, text, allowed) => {
    const match = BINDING.exec(text);
    if (!match) {
      if (ANY_BINDING.test(text))
        reader.problem(
          path,
          `"${text}" is not a binding this converter understands; expected \${{parent.inputs.<name>}}, \${{parent.jobs.<node>.outputs.<name>}} or \${{parent.outputs.<name>}}`,
        );
      return false;
    }
    const [, parentInput, parentOutput, job, jobOutput = ""] = match;
    let problem: string | undefined;
    if (allowed === "output" && parentOutput === undefined)
      problem = `a node output can only bind to \${{parent.outputs.<name>}}`;
    else if (allowed === "input" && parentOutput !== undefined)
      problem = `a node input cannot read a pipeline output; use \${{parent.jobs.<node>.outputs.<name>}}`;
    else if (parentInput !== undefined && !Object.hasOwn(declaredInputs, parentInput))
      problem = `binds to pipeline input "${parentInput}", which the pipeline does not declare`;
    else if (parentOutput !== undefined && !Object.hasOwn(declaredOutputs, parentOutput))
      problem = `binds to pipeline output "${parentOutput}", which the pipeline does not declare`;
    else if (job !== undefined) problem = jobOutputProblem(scope, job, jobOutput);
    if (problem !== undefined) reader.problem(path, problem);
    else if (job !== undefined) dependsOn.add(job);
    return true;
  };
}
