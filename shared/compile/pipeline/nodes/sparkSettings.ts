import { isRecord } from "../../../guards";
import type { Result } from "../../../result";

// A spark node's own settings as azure-ai-ml's `Spark._to_rest_object` writes them: the REST
// models' attribute names (identity_type, spark_job_entry_type), everything else as given.

/** The keys a spark node may carry besides the ones every node has. */
export const SPARK_NODE_KEYS = [
  "identity",
  "resources",
  "conf",
  "args",
  "entry",
  "py_files",
  "jars",
  "files",
  "archives",
];

const IDENTITY_TYPES: Record<string, string> = {
  user_identity: "UserIdentity",
  managed: "Managed",
  managed_identity: "Managed",
  aml_token: "AMLToken",
};

/** `identity: { type: user_identity }` → `{ identity_type: "UserIdentity" }`. */
export function restIdentity(value: unknown): Result<Record<string, unknown>> {
  if (!isRecord(value) || typeof value.type !== "string")
    return {
      ok: false,
      errors: [`identity needs a type (${Object.keys(IDENTITY_TYPES).join(", ")})`],
    };
  const type = IDENTITY_TYPES[value.type];
  if (type === undefined)
    return {
      ok: false,
      errors: [
        `unknown identity type "${value.type}"; known: ${Object.keys(IDENTITY_TYPES).join(", ")}`,
      ],
    };
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== "type"));
  return { ok: true, value: { identity_type: type, ...rest } };
}

/** `entry: { file: x.py }` → `{ spark_job_entry_type: "SparkJobPythonEntry", file }` (or a Scala class). */
export function restSparkEntry(value: unknown): Result<Record<string, unknown>> {
  if (isRecord(value) && typeof value.file === "string")
    return { ok: true, value: { spark_job_entry_type: "SparkJobPythonEntry", file: value.file } };
  if (isRecord(value) && typeof value.class_name === "string")
    return {
      ok: true,
      value: { spark_job_entry_type: "SparkJobScalaEntry", class_name: value.class_name },
    };
  return { ok: false, errors: ["entry needs a file (Python) or a class_name (Scala)"] };
}

/** A spark node's settings for its dict; `resources` is `{ instance_type, runtime_version }` for serverless spark. */
export function sparkSettings(node: Record<string, unknown>): Result<Record<string, unknown>> {
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  for (const key of ["conf", "args", "py_files", "jars", "files", "archives"])
    if (node[key] !== undefined) out[key] = node[key];
  if (node.resources !== undefined) {
    if (!isRecord(node.resources))
      errors.push("resources must be a mapping (instance_type, runtime_version)");
    else out.resources = { ...node.resources };
  }
  for (const [key, convert] of [
    ["identity", restIdentity],
    ["entry", restSparkEntry],
  ] as const) {
    if (node[key] === undefined) continue;
    const converted = convert(node[key]);
    if (converted.ok) out[key] = converted.value;
    else errors.push(...converted.errors);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}
