import type { NormalizedEvent } from "../events/normalizeEvent";
import type { Workflow } from "./workflow";

/** Does this workflow's `when` hold for the event? */
function conditionsHold(workflow: Workflow, event: NormalizedEvent): boolean {
  const { model, tags, subject } = workflow.when;
  if (subject && !subject(event.subject)) return false;
  if (model && !(event.model && model(event.model.name))) return false;
  for (const [key, matches] of tags) {
    const value =
      event.model && Object.hasOwn(event.model.tags, key) ? event.model.tags[key] : undefined;
    if (value === undefined || !matches(value)) return false;
  }
  return true;
}

/** The workflows an event starts, in config order. */
export function matchWorkflows(workflows: readonly Workflow[], event: NormalizedEvent): Workflow[] {
  const type = event.type.toLowerCase();
  return workflows.filter((w) => w.on.includes(type) && conditionsHold(w, event));
}
