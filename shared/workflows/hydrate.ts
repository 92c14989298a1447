import type { CompiledConfig } from "../compiled/compiledConfig";
import type { Result } from "../result";
import { compileGlob, type Glob } from "./glob";
import type { TagCondition, Workflow, WorkflowsConfig } from "./workflow";

/** Makes a compiled config ready for events: globs compiled, each workflow joined to its pipeline. */
export function hydrate(compiled: CompiledConfig): Result<WorkflowsConfig> {
  const errors: string[] = [];
  const glob = (where: string, pattern: string | undefined): Glob | undefined => {
    if (pattern === undefined) return undefined;
    const compiledGlob = compileGlob(pattern);
    if (!compiledGlob.ok) errors.push(`${where}: ${compiledGlob.errors.join("; ")}`);
    return compiledGlob.ok ? compiledGlob.value : undefined;
  };
  const workflows: Workflow[] = compiled.workflows.flatMap((w) => {
    const pipeline = Object.hasOwn(compiled.pipelines, w.pipeline)
      ? compiled.pipelines[w.pipeline]
      : undefined;
    if (pipeline === undefined) {
      errors.push(`workflow ${w.name}: pipeline "${w.pipeline}" is not in the compiled file`);
      return [];
    }
    const tags: TagCondition[] = w.when.tags.flatMap((t): TagCondition[] => {
      if ("boolean" in t.expected)
        return [{ key: t.key, expected: { boolean: t.expected.boolean } }];
      const g = glob(`workflow ${w.name} when.tags.${t.key}`, t.expected.glob);
      return g ? [{ key: t.key, expected: { glob: g } }] : [];
    });
    return [
      {
        ...w,
        when: {
          model: glob(`workflow ${w.name} when.model`, w.when.model),
          data: glob(`workflow ${w.name} when.data`, w.when.data),
          subject: glob(`workflow ${w.name} when.subject`, w.when.subject),
          tags,
        },
        pipeline,
      },
    ];
  });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { file: compiled.source, workflows, eventTypes: compiled.eventTypes, compiled },
  };
}
