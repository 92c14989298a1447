import { LINEAGE_TAGS } from "../constants";
import type { SkippedWorkflow } from "../core/outcome";
import { boundedList } from "../core/printable";
import type { NormalizedEvent } from "../events/normalizeEvent";
import { shortEventType } from "./eventTypes";
import type { TagCondition, Workflow } from "./workflow";

function tagValue(tags: Record<string, string>, key: string): string | undefined {
  if (Object.hasOwn(tags, key)) return tags[key];
  // Keys compare without case: "Stage" in the model matches "stage" in the config.
  const found = Object.keys(tags).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : tags[found];
}

function tagProblem(condition: TagCondition, tags: Record<string, string>): string | undefined {
  const value = tagValue(tags, condition.key);
  const keys = Object.keys(tags);
  if (value === undefined)
    return `tag ${condition.key} is missing (${keys.length === 0 ? "the model has no tags" : `the model's tags: ${boundedList(keys, ", ")}`})`;
  if ("boolean" in condition.expected) {
    const wanted = String(condition.expected.boolean);
    return value.toLowerCase() === wanted
      ? undefined
      : `tag ${condition.key} ${JSON.stringify(value)} is not ${wanted} (${wanted} matches any case, e.g. Python's ${wanted === "true" ? "True" : "False"})`;
  }
  return condition.expected.glob.test(value)
    ? undefined
    : `tag ${condition.key} ${JSON.stringify(value)} does not match ${JSON.stringify(condition.expected.glob.pattern)}`;
}

/** The first condition of the workflow that the event fails, or undefined when the workflow runs. */
export function firstFailedCondition(
  workflow: Workflow,
  event: NormalizedEvent,
): string | undefined {
  const type = event.type.toLowerCase();
  if (!workflow.on.some((t) => t.toLowerCase() === type))
    return `listens for ${workflow.on.map(shortEventType).join(", ")}, not ${shortEventType(event.type)}`;
  if (workflow.after) {
    const { run } = event;
    const upstream = run?.tags[LINEAGE_TAGS.workflow];
    if (run === undefined) return "the event names no job that ended";
    if (upstream !== workflow.after.workflow)
      return `follows workflow ${workflow.after.workflow}; job ${run.id} ${upstream === undefined ? "was not started by a workflow" : `is workflow ${upstream}'s`}`;
    if (run.status !== workflow.after.status)
      return `follows ${workflow.after.workflow} when it ends ${workflow.after.status}, not ${run.status || "with no status"}`;
  }
  const { model, data, tags, subject } = workflow.when;
  if (subject && !subject.test(event.subject))
    return `subject ${JSON.stringify(event.subject)} does not match ${JSON.stringify(subject.pattern)}`;
  if (model && !event.model) return "the event carries no model";
  if (model && event.model && !model.test(event.model.name))
    return `model ${JSON.stringify(event.model.name)} does not match ${JSON.stringify(model.pattern)}`;
  if (data && !event.dataAsset) return "the event carries no data asset";
  if (data && event.dataAsset && !data.test(event.dataAsset.name))
    return `data asset ${JSON.stringify(event.dataAsset.name)} does not match ${JSON.stringify(data.pattern)}`;
  for (const condition of tags) {
    const problem = tagProblem(condition, event.model?.tags ?? {});
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The workflows an event starts, in config order, and why each other one does not run. */
export function matchWorkflows(
  workflows: readonly Workflow[],
  event: NormalizedEvent,
): { matched: Workflow[]; skipped: SkippedWorkflow[] } {
  const matched: Workflow[] = [];
  const skipped: SkippedWorkflow[] = [];
  for (const workflow of workflows) {
    const why = firstFailedCondition(workflow, event);
    if (why === undefined) matched.push(workflow);
    else skipped.push({ workflow: workflow.name, why });
  }
  return { matched, skipped };
}
