import type { Placeholder, Template } from "../compiled/compiledConfig";
import { LINEAGE_TAGS } from "../constants";
import type { NormalizedEvent } from "../events/normalizeEvent";
import { isRecord } from "../guards";
import type { Result } from "../result";

const PLACEHOLDER = /\{\{(.*?)\}\}/gs;
const EVENT_FIELDS = new Set(["id", "type", "subject", "source", "time"]);

/** Names every placeholder accepts, for error messages. */
export const PLACEHOLDER_HELP =
  "event.id, event.type, event.subject, event.source, event.time, model.name, model.version, model.tags.<key>, data.<dotted.path>, blob.account, blob.container, blob.path, blob.url (BlobCreated), and in a chained workflow upstream.job, upstream.workflow, upstream.experiment, upstream.status, upstream.outputs.<name>";

const UPSTREAM_FIELDS = new Set(["job", "workflow", "experiment", "status"]);
const BLOB_FIELDS = new Set(["account", "container", "path", "url"]);

/**
 * Where a pipeline job's output lands when its YAML gives it no path: Azure ML's default,
 * `azureml://datastores/${{default_datastore}}/paths/azureml/${{name}}/${{output_name}}/`, with the
 * workspace's default datastore. An output given its own path is not here.
 */
export function defaultOutputUri(job: string, output: string): string {
  return `azureml://datastores/workspaceblobstore/paths/azureml/${job}/${output}/`;
}

function parsePlaceholder(expression: string): Placeholder | undefined {
  const [head, ...rest] = expression.split(".");
  if (rest.some((segment) => segment === "" || /\s/.test(segment))) return undefined;
  if (head === "event" && rest.length === 1 && EVENT_FIELDS.has(rest[0] ?? "")) {
    return { source: "event", field: rest[0] as "id" };
  }
  if (head === "model" && rest.length === 1 && (rest[0] === "name" || rest[0] === "version"))
    return { source: "model", field: rest[0] };
  if (head === "model" && rest[0] === "tags" && rest.length >= 2)
    return { source: "modelTag", key: rest.slice(1).join(".") };
  if (head === "data" && rest.length >= 1) return { source: "data", path: rest };
  if (head === "blob" && rest.length === 1 && BLOB_FIELDS.has(rest[0] ?? ""))
    return { source: "blob", field: rest[0] as "path" };
  if (head === "upstream" && rest.length === 1 && UPSTREAM_FIELDS.has(rest[0] ?? ""))
    return { source: "upstream", field: rest[0] as "job" };
  if (
    head === "upstream" &&
    rest[0] === "outputs" &&
    rest.length === 2 &&
    /^\w+$/.test(rest[1] ?? "")
  )
    return { source: "upstreamOutput", name: rest[1] ?? "" };
  return undefined;
}

/** Parses the placeholders in a string; unknown ones, unbalanced braces and `${{` are errors. */
export function parseTemplate(text: string): Result<Template> {
  if (text.includes("${{")) {
    return {
      ok: false,
      errors: [
        "Azure ML binding expressions (${{...}}) cannot appear in workflow inputs; they belong in the pipeline YAML",
      ],
    };
  }
  const parts: Template = [];
  const errors: string[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const raw = match[0];
    const expression = (match[1] ?? "").trim();
    parts.push({ text: text.slice(last, match.index) });
    const placeholder = parsePlaceholder(expression);
    if (placeholder === undefined)
      errors.push(`unknown placeholder "${raw}"; known: ${PLACEHOLDER_HELP}`);
    else parts.push({ placeholder, raw });
    last = match.index + raw.length;
  }
  parts.push({ text: text.slice(last) });
  const leftover = parts.flatMap((p) => ("text" in p ? [p.text] : [])).join("");
  if (leftover.includes("{{") || leftover.includes("}}"))
    errors.push(`unbalanced "{{" or "}}" in ${JSON.stringify(text)}`);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: parts.filter((p) => !("text" in p) || p.text !== "") };
}

/** True when any placeholder needs the job a chained workflow follows. */
export function usesUpstream(template: Template): boolean {
  return template.some(
    (p) =>
      "placeholder" in p &&
      (p.placeholder.source === "upstream" || p.placeholder.source === "upstreamOutput"),
  );
}

/** True when any placeholder needs a BlobCreated event. */
export function usesBlob(template: Template): boolean {
  return template.some((p) => "placeholder" in p && p.placeholder.source === "blob");
}

/** True when any placeholder needs a ModelRegistered event. */
export function usesModel(template: Template): boolean {
  return template.some(
    (p) =>
      "placeholder" in p &&
      (p.placeholder.source === "model" || p.placeholder.source === "modelTag"),
  );
}

function ownValue(record: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(record, key)) return record[key];
  // Azure ML's own data keys arrive in either casing.
  const wanted = key.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === wanted);
  return found === undefined ? undefined : record[found];
}

function lookup(placeholder: Placeholder, event: NormalizedEvent): unknown {
  switch (placeholder.source) {
    case "event":
      return event[placeholder.field];
    case "model":
      return event.model?.[placeholder.field];
    case "modelTag":
      return event.model && Object.hasOwn(event.model.tags, placeholder.key)
        ? event.model.tags[placeholder.key]
        : undefined;
    case "upstream": {
      const run = event.run;
      if (run === undefined) return undefined;
      if (placeholder.field === "job") return run.id;
      if (placeholder.field === "workflow") return run.tags[LINEAGE_TAGS.workflow];
      return placeholder.field === "experiment" ? run.experiment : run.status;
    }
    case "blob":
      return event.blob?.[placeholder.field];
    case "upstreamOutput":
      return event.run ? defaultOutputUri(event.run.id, placeholder.name) : undefined;
    case "data": {
      let value: unknown = event.data;
      for (const segment of placeholder.path) {
        if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
        else if (isRecord(value)) value = ownValue(value, segment);
        else return undefined;
      }
      return value;
    }
  }
}

/** Renders a template with one event's values; a missing value or a binding expression in event content is an error. */
export function renderTemplate(template: Template, event: NormalizedEvent): Result<string> {
  let out = "";
  for (const part of template) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    const value = lookup(part.placeholder, event);
    if (value === undefined || value === null || value === "") {
      return { ok: false, errors: [`${part.raw} has no value in event ${event.id}`] };
    }
    let text: string;
    try {
      text = typeof value === "string" ? value : JSON.stringify(value);
    } catch {
      return { ok: false, errors: [`${part.raw} holds a value too deeply nested to place`] };
    }
    out += text;
  }
  // Event content is data: it must never become an Azure ML binding inside the job. Checked on the
  // whole rendered value, since adjacent placeholders ("$" then "{{...}}") can assemble one.
  if (out.includes("${{"))
    return {
      ok: false,
      errors: [
        `the rendered value holds an Azure ML binding expression ("\${{"), which event content may not inject`,
      ],
    };
  return { ok: true, value: out };
}
