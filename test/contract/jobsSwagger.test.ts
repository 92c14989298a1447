import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import Ajv from "ajv";
import { describe, expect, it } from "vitest";

import { JOB_NAME_PATTERN } from "../../shared/aml/jobName";
import type { PipelineJobBody } from "../../shared/aml/jobRequest";
import { withLabelsResolved } from "../../shared/aml/labelLookup";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import { planEvent } from "../../shared/core/planEvent";
import { REFERENCE_DIR, referenceAvailable } from "../support/reference";
import { EXAMPLE_WORKFLOWS, REPO_ROOT, sampleEvent } from "../support/samples";

// The swagger lives beside the repository, not in it: without it the suite says so and skips.
const available = referenceAvailable();
const swagger = available ? await import("../support/swaggerSchema") : undefined;
const ajv = new Ajv({ allErrors: true, strict: false });
const validateJobRequest = ajv.compile(swagger?.jobRequestSchema() ?? {});
const JOB_INPUT_TYPES = swagger?.JOB_INPUT_TYPES ?? [];
const JOB_OUTPUT_TYPES = swagger?.JOB_OUTPUT_TYPES ?? [];
const INPUT_DELIVERY_MODES = swagger?.INPUT_DELIVERY_MODES ?? [];
const workspace = (() => {
  const parsed = parseWorkspaceId(PLACEHOLDER_WORKSPACE_ID);
  if (!parsed.ok) throw new Error("placeholder workspace");
  return parsed.value;
})();

function errorsOf(body: unknown): string[] {
  return validateJobRequest(body)
    ? []
    : (validateJobRequest.errors ?? []).map(
        (e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
      );
}

/** Every body the project can produce: each sample event through the shipped config, and a config that uses every converter feature. */
function producedBodies(): [label: string, jobName: string, body: PipelineJobBody][] {
  const configs = [
    EXAMPLE_WORKFLOWS,
    join(REPO_ROOT, "test", "fixtures", "kitchen-sink", "workflows.yaml"),
  ];
  const events = readdirSync(join(REPO_ROOT, "samples", "events")).map(
    (file) => [file, sampleEvent(file)] as const,
  );
  const docEvents = (available ? readdirSync(join(REFERENCE_DIR, "ml-events-2018-01-01")) : [])
    .filter((f) => f.startsWith("doc-example"))
    .map(
      (file) =>
        [
          file,
          JSON.parse(
            readFileSync(join(REFERENCE_DIR, "ml-events-2018-01-01", file), "utf8"),
          ) as unknown,
        ] as const,
    );
  const bodies: [string, string, PipelineJobBody][] = [];
  for (const configFile of configs) {
    const config = loadWorkflowsOrThrow(configFile);
    for (const [file, event] of [...events, ...docEvents]) {
      const plan = planEvent(event, {
        config,
        workspace,
        armEndpoint: "https://management.azure.com",
      });
      if (plan.kind !== "processed") continue;
      for (const w of plan.workflows)
        if (w.kind === "planned")
          // `@latest` references as they are sent: looked up (here: answered with version 1).
          bodies.push([
            `${file} → ${w.workflow}`,
            w.jobName,
            withLabelsResolved(
              w.request.body,
              (w.lookups ?? []).map((lookup) => ({ ...lookup, version: "1" })),
            ),
          ]);
    }
  }
  return bodies;
}

const bodies = producedBodies();

describe.runIf(available)("request bodies against the jobs API swagger (2025-12-01)", () => {
  it("covers the shipped workflow and every converter feature", () => {
    const workflows = new Set(bodies.map(([label]) => label.split(" → ")[1]));
    expect(workflows).toEqual(
      new Set(["validate-registered-model", "score-on-run-completed", "every-model"]),
    );
  });

  it.each(bodies)(
    "%s is a valid JobBaseResource with a valid job name",
    (_label, jobName, body) => {
      expect(errorsOf(body)).toEqual([]);
      expect(jobName).toMatch(JOB_NAME_PATTERN);
    },
  );

  it.each(bodies)("%s has nodes shaped as azure-ai-ml sends them", (_label, _jobName, body) => {
    for (const [name, node] of Object.entries(body.properties.jobs ?? {})) {
      const componentId = expect.stringMatching(
        /^(\/subscriptions\/|azureml:\/\/registries\/)/,
      ) as string;
      // Each type as azure-ai-ml writes it: a component node names its component, a sweep its
      // trial, an automl node its task (AutoMLJob._to_dict inside a pipeline).
      if (node.type === "sweep") expect(node).toMatchObject({ name, trial: { componentId } });
      else if (node.type === "automl")
        expect(node).toMatchObject({ name, task: expect.any(String) as string, outputs: {} });
      else
        expect(node).toMatchObject({
          name,
          type: expect.stringMatching(/^(command|pipeline)$/) as string,
          componentId,
        });
      for (const input of Object.values(
        // Empty inputs and outputs are left out, as azure-ai-ml leaves them out.
        (node.inputs ?? {}) as Record<string, { job_input_type: string; mode?: string }>,
      )) {
        expect(JOB_INPUT_TYPES).toContain(input.job_input_type);
        if (input.mode !== undefined) expect(INPUT_DELIVERY_MODES).toContain(input.mode);
      }
      for (const output of Object.values(
        (node.outputs ?? {}) as Record<
          string,
          { type?: string; value?: string; job_output_type?: string }
        >,
      )) {
        if (output.type === "literal")
          expect(output.value).toMatch(/^\$\{\{parent\.outputs\.\w+\}\}$/);
        else expect(JOB_OUTPUT_TYPES).toContain(output.job_output_type);
      }
    }
  });

  it("accepts the official Pipeline example body (the validator is not too strict)", () => {
    const example = JSON.parse(
      readFileSync(
        join(REFERENCE_DIR, "aml-jobs-2025-12-01", "example-pipeline-createOrUpdate.json"),
        "utf8",
      ),
    ) as { parameters: { body: unknown } };
    expect(errorsOf(example.parameters.body)).toEqual([]);
  });

  describe("refuses what ARM would refuse (the validator is not vacuous)", () => {
    const base = () =>
      structuredClone(bodies[0]![2]) as unknown as {
        properties: Record<string, unknown> & { inputs: Record<string, Record<string, unknown>> };
      };
    it.each([
      [
        "an unknown PipelineJob property",
        (b: ReturnType<typeof base>) => (b.properties.jobsDefinition = {}),
      ],
      ["a missing jobType", (b: ReturnType<typeof base>) => delete b.properties.jobType],
      ["an unknown jobType", (b: ReturnType<typeof base>) => (b.properties.jobType = "Pipelines")],
      ["the read-only status", (b: ReturnType<typeof base>) => (b.properties.status = "Running")],
      [
        "a literal input with a uri instead of a value",
        (b: ReturnType<typeof base>) =>
          (b.properties.inputs.model_name = { jobInputType: "literal", uri: "x" }),
      ],
      [
        "an asset input with an unknown mode",
        (b: ReturnType<typeof base>) =>
          (b.properties.inputs.model = {
            jobInputType: "mlflow_model",
            uri: "azureml:m:1",
            mode: "ro_mount",
          }),
      ],
      [
        "an unknown input type",
        (b: ReturnType<typeof base>) =>
          (b.properties.inputs.model = { jobInputType: "model", uri: "azureml:m:1" }),
      ],
      [
        "an empty literal",
        (b: ReturnType<typeof base>) =>
          (b.properties.inputs.model_name = { jobInputType: "literal", value: "" }),
      ],
    ])("%s", (_label, mutate) => {
      const body = base();
      mutate(body);
      expect(errorsOf(body)).not.toEqual([]);
    });
  });
});
