import { z } from "zod";

import { assetInputSchema, literalSchema } from "../pipeline/pipelineSchema";

/** Workflow names: part of every job name they start, so lowercase letters, digits and dashes. */
export const WORKFLOW_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const workflowSchema = z.strictObject({
  name: z
    .string()
    .regex(
      WORKFLOW_NAME,
      "name must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit",
    ),
  description: z.string().optional(),
  on: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: "on must be an event type or a list of event types",
  }),
  when: z
    .strictObject({
      model: z.string().min(1).optional(),
      tags: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
        .optional(),
      subject: z.string().min(1).optional(),
    })
    .optional(),
  pipeline: z.string().min(1),
  experiment: z.string().min(1).optional(),
  inputs: z.record(z.string(), z.union([literalSchema, assetInputSchema])).optional(),
});

/** `workflows.yaml`: which events start which pipelines. */
export const workflowsFileSchema = z.strictObject({
  workflows: z.array(workflowSchema).min(1, "list at least one workflow"),
});

/** One workflow as written in YAML. */
export type WorkflowYaml = z.infer<typeof workflowSchema>;
