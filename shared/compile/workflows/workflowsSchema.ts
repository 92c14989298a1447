import "../config/zodLocale";

import * as z from "zod/mini";

import type { MappingSpec } from "../config/fields";
import { ASSET_INPUT_TYPES, INPUT_MODES, modeKeys } from "../pipeline/pipelineSchema";

/** Workflow names: part of every job name they start, so lowercase letters, digits and dashes. */
export const WORKFLOW_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const nonEmpty = () => z.string().check(z.minLength(1));
const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: "must be text, a number or true/false",
});

/** The keys of one workflow, each checked on its own. */
export const WORKFLOW_SPEC: MappingSpec = {
  what: "a workflow",
  required: ["name", "on", "pipeline"],
  fields: {
    name: z
      .string()
      .check(
        z.regex(
          WORKFLOW_NAME,
          "must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit",
        ),
      ),
    description: z.string(),
    on: z.union(
      [nonEmpty(), z.array(nonEmpty()).check(z.minLength(1)), z.record(z.string(), z.unknown())],
      {
        error:
          "must be an event type (ModelRegistered, ModelTagsChanged, or a full type), a list of them, or { workflow: <name>, status: Completed }",
      },
    ),
    when: z.unknown(),
    pipeline: nonEmpty(),
    experiment: nonEmpty(),
    inputs: z.record(z.string(), z.unknown()),
    report: z.enum(["model-tags"]),
    coalesce: z.unknown(),
    workspace: z
      .string()
      .check(
        z.regex(
          /^(source|[A-Za-z0-9][\w-]{2,32})$/,
          "must be source (the workspace the event came from) or a workspace name",
        ),
      ),
  },
};

/** `on: { workflow, status }`: start when another workflow's job ends so. */
export const AFTER_SPEC: MappingSpec = {
  what: "on (a chained workflow)",
  required: ["workflow"],
  fields: {
    workflow: z.string().check(z.regex(WORKFLOW_NAME, "must be the name of another workflow")),
    status: z.enum(["Completed", "Failed", "Canceled"]),
  },
};

/** `coalesce: { key, window }`: one job per key and window, on the latest event. */
export const COALESCE_SPEC: MappingSpec = {
  what: "coalesce",
  required: ["window"],
  fields: {
    key: nonEmpty(),
    window: z.union([z.string(), z.number()], {
      error: "must be a duration such as 10m, or a whole number of seconds",
    }),
  },
};

/** The keys of `when`. */
export const WHEN_SPEC: MappingSpec = {
  what: "when",
  fields: {
    model: nonEmpty(),
    data: nonEmpty(),
    subject: nonEmpty(),
    tags: z.record(z.string(), scalar),
  },
};

/** An asset input the workflow sets: `{ type, path, mode? }`. */
export const WORKFLOW_ASSET_SPEC: MappingSpec = {
  what: "an asset input",
  required: ["type", "path"],
  fields: {
    type: z.enum(ASSET_INPUT_TYPES),
    path: nonEmpty(),
    mode: z.enum(modeKeys(INPUT_MODES)),
    description: z.string(),
  },
};
