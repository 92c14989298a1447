import type { JobInputValue } from "../compiled/restShapes";
import { SWAGGER_VALUE_PATTERN } from "../compiled/vocabulary";
import type { NormalizedEvent } from "../events/normalizeEvent";
import type { Result } from "../result";
import { renderTemplate } from "./template";
import type { Workflow } from "./workflow";

// Our bound, not ARM's: event content placed in a job stays small enough to read and to send.
const INPUT_LIMIT = 16_384;

/** Why a rendered value may not go to ARM: too long, or holding NUL. The reason never repeats it. */
function unsendableReason(value: string): string | undefined {
  if (value.length > INPUT_LIMIT)
    return `the rendered value is ${value.length} characters; event content placed in a job holds at most ${INPUT_LIMIT}`;
  return value.includes("\u0000") ? "the rendered value holds NUL (U+0000)" : undefined;
}

/** Fills a workflow's inputs from one event; every input that cannot be filled is named. */
export function bindInputs(
  workflow: Workflow,
  event: NormalizedEvent,
): Result<Record<string, JobInputValue>> {
  const errors: string[] = [];
  const bound: Record<string, JobInputValue> = {};
  for (const [name, input] of Object.entries(workflow.inputs)) {
    const rendered = renderTemplate(input.template, event);
    if (!rendered.ok) {
      errors.push(...rendered.errors.map((e) => `input "${name}": ${e}`));
      continue;
    }
    const unsendable = unsendableReason(rendered.value);
    if (unsendable !== undefined) {
      errors.push(`input "${name}": ${unsendable}`);
      continue;
    }
    if (!SWAGGER_VALUE_PATTERN.test(rendered.value)) {
      errors.push(
        `input "${name}": ${JSON.stringify(rendered.value)} has no letter, digit or underscore, which the jobs API requires`,
      );
      continue;
    }
    bound[name] =
      input.kind === "literal"
        ? { kind: "literal", value: rendered.value }
        : { kind: "asset", type: input.type, mode: input.mode, uri: rendered.value };
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: bound };
}
