import { ANY_BINDING, type PipelineReader } from "../pipelineReader";
import type { BindingCheck } from "./context";

/** `${{parent.inputs.<name>}}`, `${{parent.outputs.<name>}}` or `${{parent.jobs.<node>.outputs.<name>}}`. */
export const BINDING =
  /^\$\{\{\s*parent\.(?:inputs\.([A-Za-z_][\w]*)|outputs\.([A-Za-z_][\w]*)|jobs\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w]*))\s*\}\}$/;

/** What a binding may name: the pipeline's declared inputs and outputs, and its jobs. */
export interface BindingScope {
  reader: PipelineReader;
  declaredInputs: Record<string, unknown>;
  declaredOutputs: Record<string, unknown>;
  nodeNames: ReadonlySet<string>;
}

/** The binding check for one node; every job its bindings read is added to `dependsOn`. */
export function bindingCheck(scope: BindingScope, dependsOn: Set<string>): BindingCheck {
  const { reader, declaredInputs, declaredOutputs, nodeNames } = scope;
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
}
