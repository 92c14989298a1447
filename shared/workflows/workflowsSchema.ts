import * as z from "zod/mini";

import { assetInputSchema, literalSchema, stringMap } from "../pipeline/pipelineSchema";

/** Workflow names: part of every job name they start, so lowercase letters, digits and dashes. */
export const WORKFLOW_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const nonEmpty = () => z.string().check(z.minLength(1));

const workflowSchema = z.strictObject({
  name: z
    .string()
    .check(
      z.regex(
        WORKFLOW_NAME,
        "name must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit",
      ),
    ),
  description: z.optional(z.string()),
  on: z.union([nonEmpty(), z.array(nonEmpty()).check(z.minLength(1))], {
    error: "on must be an event type or a list of event types",
  }),
  when: z.optional(
    z.strictObject({
      model: z.optional(nonEmpty()),
      tags: z.optional(stringMap),
      subject: z.optional(nonEmpty()),
    }),
  ),
  pipeline: nonEmpty(),
  experiment: z.optional(nonEmpty()),
  inputs: z.optional(z.record(z.string(), z.union([literalSchema, assetInputSchema]))),
});

/** `workflows.yaml`: which events start which pipelines. */
export const workflowsFileSchema = z.strictObject({
  workflows: z.array(workflowSchema).check(z.minLength(1, "list at least one workflow")),
});

/** One workflow as written in YAML. */
export type WorkflowYaml = z.infer<typeof workflowSchema>;
