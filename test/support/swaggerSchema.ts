import { readFileSync } from "node:fs";
import { join } from "node:path";

import { REFERENCE_DIR } from "./reference";

type SwaggerSchema = Record<string, unknown> & {
  $ref?: string;
  allOf?: SwaggerSchema[];
  properties?: Record<string, SwaggerSchema>;
  required?: string[];
  additionalProperties?: boolean | SwaggerSchema;
  discriminator?: string;
  "x-ms-discriminator-value"?: string;
  enum?: string[];
  readOnly?: boolean;
};
type JsonSchema = Record<string, unknown> | boolean;

/** The jobs swagger extract, read in place from the reference folder: import this module only when it exists. */
export const JOBS_SWAGGER = JSON.parse(
  readFileSync(join(REFERENCE_DIR, "aml-jobs-2025-12-01", "jobs-swagger-extract.json"), "utf8"),
) as {
  definitions: Record<string, SwaggerSchema>;
};

// Definitions the extract leaves out, as its x-extract-note describes them.
const EXTERNAL: Record<string, SwaggerSchema> = {
  ResourceBase: {
    type: "object",
    properties: {
      description: { type: "string" },
      properties: { type: "object", additionalProperties: { type: "string" } },
      tags: { type: "object", additionalProperties: { type: "string" } },
    },
  },
  ProxyResource: {
    type: "object",
    properties: {
      id: { type: "string", readOnly: true },
      name: { type: "string", readOnly: true },
      type: { type: "string", readOnly: true },
      systemData: { type: "object", readOnly: true },
    },
  },
};

// The extract has JobOutputType values mltable and triton_model but not their subtypes; the full
// mfe.json has them (as generated in Pulumi azure-native's MLTableJobOutput/TritonModelJobOutput),
// shaped like the other asset outputs.
const MISSING_OUTPUT_SUBTYPES: Record<string, SwaggerSchema> = Object.fromEntries(
  (
    [
      ["MLTableJobOutput", "mltable"],
      ["TritonModelJobOutput", "triton_model"],
    ] as const
  ).map(([name, value]): [string, SwaggerSchema] => [
    name,
    {
      type: "object",
      allOf: [{ $ref: "#/definitions/AssetJobOutput" }, { $ref: "#/definitions/JobOutput" }],
      "x-ms-discriminator-value": value,
      additionalProperties: false,
    },
  ]),
);
const DEFINITIONS: Record<string, SwaggerSchema> = {
  ...MISSING_OUTPUT_SUBTYPES,
  ...JOBS_SWAGGER.definitions,
};

function definition(ref: string): SwaggerSchema | undefined {
  const name = ref.split("/").pop() ?? "";
  return DEFINITIONS[name] ?? EXTERNAL[name];
}

const refName = (ref: string) => ref.split("/").pop() ?? "";

/** Own and inherited (allOf) properties and required names of a definition. */
function flatten(schema: SwaggerSchema): {
  properties: Record<string, SwaggerSchema>;
  required: string[];
} {
  const properties: Record<string, SwaggerSchema> = {};
  const required: string[] = [];
  for (const parent of schema.allOf ?? []) {
    const resolved = parent.$ref === undefined ? parent : definition(parent.$ref);
    if (!resolved) continue;
    const inherited = flatten(resolved);
    Object.assign(properties, inherited.properties);
    required.push(...inherited.required);
  }
  Object.assign(properties, schema.properties ?? {});
  required.push(...(schema.required ?? []));
  return { properties, required: [...new Set(required)] };
}

/** Subtypes of a discriminated base, by discriminator value. */
function subtypes(baseName: string): [string, SwaggerSchema][] {
  return Object.values(DEFINITIONS).flatMap((def) => {
    const value = def["x-ms-discriminator-value"];
    const inherits = (def.allOf ?? []).some(
      (p) => p.$ref !== undefined && refName(p.$ref) === baseName,
    );
    return value !== undefined && inherits ? [[value, def] as [string, SwaggerSchema]] : [];
  });
}

function objectSchema(schema: SwaggerSchema, forRequest: boolean): JsonSchema {
  const { properties, required } = flatten(schema);
  return {
    type: "object",
    properties: Object.fromEntries(
      Object.entries(properties).map(([k, v]) => [k, convert(v, forRequest)]),
    ),
    required,
    ...(schema.additionalProperties === false ? { additionalProperties: false } : {}),
  };
}

function convert(schema: SwaggerSchema, forRequest: boolean): JsonSchema {
  // Read-only properties are the server's: a request must not carry them.
  if (forRequest && schema.readOnly === true) return false;
  if (schema.$ref !== undefined) {
    const target = definition(schema.$ref);
    if (!target) return true; // left out of the extract: unconstrained
    if (target.discriminator !== undefined) {
      const discriminator = target.discriminator;
      const variants = subtypes(refName(schema.$ref));
      return {
        type: "object",
        required: [discriminator],
        properties: { [discriminator]: { enum: variants.map(([value]) => value) } },
        allOf: variants.map(([value, def]) => ({
          if: { properties: { [discriminator]: { const: value } } },
          then: objectSchema(def, forRequest),
        })),
      };
    }
    if (target.enum !== undefined) return { type: "string", enum: target.enum };
    return objectSchema(target, forRequest);
  }
  const out: Record<string, unknown> = {};
  for (const key of [
    "type",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "format",
  ])
    if (key in schema) out[key] = schema[key];
  if (out.format !== undefined && out.format !== "date-time") delete out.format;
  if (schema.type === "object" || schema.properties !== undefined) {
    if (schema.properties !== undefined) return objectSchema(schema, forRequest);
    if (typeof schema.additionalProperties === "object")
      out.additionalProperties = convert(schema.additionalProperties, forRequest);
  }
  return out;
}

/** JSON Schema for a request body of `Jobs_CreateOrUpdate` (JobBaseResource). */
export function jobRequestSchema(): JsonSchema {
  return convert({ $ref: "#/definitions/JobBaseResource" }, true);
}

/** The `JobInputType` enum, for checking node inputs the swagger leaves untyped. */
export const JOB_INPUT_TYPES = JOBS_SWAGGER.definitions.JobInputType?.enum ?? [];
/** The `JobOutputType` enum. */
export const JOB_OUTPUT_TYPES = JOBS_SWAGGER.definitions.JobOutputType?.enum ?? [];
/** The `InputDeliveryMode` enum. */
export const INPUT_DELIVERY_MODES = JOBS_SWAGGER.definitions.InputDeliveryMode?.enum ?? [];
