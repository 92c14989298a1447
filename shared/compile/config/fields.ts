import type { $ZodIssue, $ZodType } from "zod/v4/core";

import { isRecord } from "../../guards";
import { closest } from "./closest";
import type { ConfigIssue } from "./configError";
import type { YamlFile } from "./yamlFile";

/** A schema whose `safeParse` zod/mini provides. */
export interface FieldSchema<T = unknown> extends $ZodType<T> {
  safeParse(
    data: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: $ZodIssue[] } };
}

/** The keys one mapping may hold, each with its own schema, and which are required. */
export interface MappingSpec {
  fields: Record<string, FieldSchema>;
  required?: readonly string[];
  /** What to say when a required key is missing, by key (default: `<what> needs "<key>"`). */
  missing?: Record<string, string>;
  /** Advice for keys that are refused on purpose, by key. */
  refused?: Record<string, string>;
  /** What the mapping is, for messages: "a workflow", "a pipeline job". */
  what: string;
  /** Keys not in `fields` are kept when they pass this schema, instead of being refused. */
  others?: FieldSchema;
}

/** How a value looks to a person reading YAML. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (isRecord(value)) return "a mapping";
  if (typeof value === "string") return `the text ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean")
    return `${typeof value === "number" ? "the number" : "the boolean"} ${String(value)}`;
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping (key: value)",
  record: "a mapping (key: value)",
};

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === "number") value = value[segment];
    else if (isRecord(value) && typeof segment === "string") value = value[segment];
    else return undefined;
  }
  return value;
}

// zod's own messages start like this; any other message was written by our schemas and is kept.
const GENERIC = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;

/** A zod issue in the config's own words: our schemas' messages kept, zod's generic ones rewritten. */
export function describeIssue(issue: $ZodIssue, value: unknown): string {
  if (!GENERIC.test(issue.message)) return issue.message;
  const actual = valueAt(value, issue.path);
  switch (issue.code) {
    case "invalid_type":
      return actual === undefined
        ? "is required"
        : `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}, not ${describeValue(actual)}`;
    case "too_small":
      if (issue.origin === "string") return "must not be empty";
      if (issue.origin === "array") return `must list at least ${String(issue.minimum)} item(s)`;
      return `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}`;
    case "invalid_value":
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`}, not ${describeValue(actual)}`;
    case "unrecognized_keys":
      return `unknown key(s) ${issue.keys.join(", ")}`;
    case "invalid_union":
      return `has an unexpected value: ${describeValue(actual)}`;
    default:
      return `is not valid here: ${describeValue(actual)}`;
  }
}

/**
 * Checks one mapping key by key: each field is validated on its own, so one bad field never hides
 * another. Returns the fields that are valid and pushes a located issue for every problem.
 */
export function checkMapping(
  yaml: YamlFile,
  path: readonly PropertyKey[],
  value: unknown,
  spec: MappingSpec,
  issues: ConfigIssue[],
): Record<string, unknown> | undefined {
  if (!isRecord(value)) {
    issues.push(
      yaml.issueAt(
        path,
        `${spec.what} must be a mapping (key: value), not ${describeValue(value)}`,
      ),
    );
    return undefined;
  }
  const valid: Record<string, unknown> = {};
  const known = Object.keys(spec.fields);
  for (const [key, fieldValue] of Object.entries(value)) {
    const at = [...path, key];
    // Own keys only: "constructor" or "__proto__" in YAML must not find Object's members.
    const own = (record: Record<string, string> | undefined) =>
      record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
    const schema = Object.hasOwn(spec.fields, key) ? spec.fields[key] : spec.others;
    if (schema === undefined) {
      const advice = own(spec.refused);
      const guess = closest(key, known);
      issues.push(
        yaml.issueAt(
          at,
          advice !== undefined
            ? `"${key}" is not supported: ${advice}`
            : `unknown key "${key}" in ${spec.what}${guess === undefined ? `; known keys: ${known.join(", ")}` : `; did you mean "${guess}"?`}`,
        ),
      );
      continue;
    }
    // zod drops a "__proto__" key from records; say so rather than lose it silently.
    if (isRecord(fieldValue) && Object.hasOwn(fieldValue, "__proto__"))
      issues.push(yaml.issueAt([...at, "__proto__"], `"__proto__" cannot be used as a name`));
    const parsed = schema.safeParse(fieldValue);
    if (parsed.success) valid[key] = parsed.data;
    else
      for (const issue of parsed.error.issues)
        issues.push(yaml.issueAt([...at, ...issue.path], describeIssue(issue, fieldValue)));
  }
  for (const key of spec.required ?? [])
    if (!(key in value))
      issues.push(yaml.issueAt(path, spec.missing?.[key] ?? `${spec.what} needs "${key}"`));
  return valid;
}

/**
 * The entries of a YAML mapping, less `__proto__`, which is reported: assigning it to a record
 * would replace the record's prototype instead of adding a name.
 */
export function namedEntries(
  yaml: YamlFile,
  path: readonly PropertyKey[],
  value: Record<string, unknown>,
  issues: ConfigIssue[],
): [string, unknown][] {
  return Object.entries(value).filter(([name]) => {
    if (name !== "__proto__") return true;
    issues.push(yaml.issueAt([...path, name], `"${name}" cannot be used as a name`));
    return false;
  });
}
