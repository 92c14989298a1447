import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { describe, expect, it } from "vitest";

import { asNewEvent } from "../../scripts/sendEvent/buildEvents";
import { runEndedEvent } from "../../scripts/sendEvent/runEvents";
import { PLACEHOLDER_WORKSPACE_ID, SETTING_NAMES } from "../../shared/constants";
import { handlerWith } from "../support/functionModule";
import { capturingContext } from "../support/invocation";
import { runScript } from "../support/runScript";
import { EXAMPLE_WORKFLOWS } from "../support/samples";

/** The example config plus a promotion step that follows validation, in a folder of its own. */
function chainConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "chain-"));
  cpSync(dirname(EXAMPLE_WORKFLOWS), dir, { recursive: true });
  writeFileSync(
    join(dir, "pipelines", "promote-model.yml"),
    `type: pipeline
experiment_name: model-promotion
settings: { default_compute: azureml:cpu-cluster }
inputs:
  model: { type: mlflow_model }
  report: { type: uri_folder }
  validated_by: { type: string }
jobs:
  promote:
    component: azureml:promote_model:1
    inputs:
      model: \${{parent.inputs.model}}
      report: \${{parent.inputs.report}}
      validated_by: \${{parent.inputs.validated_by}}
`,
  );
  const file = join(dir, "workflows.yaml");
  writeFileSync(
    file,
    `${readFileSync(file, "utf8")}    report: model-tags
  - name: promote-validated-model
    on: { workflow: validate-registered-model, status: Completed }
    pipeline: pipelines/promote-model.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      report: { type: uri_folder, path: "{{ upstream.outputs.report }}" }
      validated_by: "{{ upstream.job }}"
`,
  );
  return file;
}

const registered = {
  id: "evt-churn-3",
  eventType: "Microsoft.MachineLearningServices.ModelRegistered",
  subject: "models/churn:3",
  eventTime: "2026-11-24T10:00:00Z",
  // The dry run serves its placeholder workspace: the only system topic it believes.
  topic: PLACEHOLDER_WORKSPACE_ID,
  dataVersion: "2",
  data: { modelName: "churn", modelVersion: "3", modelTags: { stage: "candidate" } },
};

describe("chaining: a workflow that starts when another's job has ended", () => {
  it("starts on the upstream job's completion, with the original model and the upstream's outputs, once", async () => {
    const dryRunDir = mkdtempSync(join(tmpdir(), "chain-dry-"));
    const settings = {
      [SETTING_NAMES.workflowsFile]: chainConfig(),
      [SETTING_NAMES.dryRunDir]: dryRunDir,
    };
    const handler = handlerWith(settings);
    const first = capturingContext();
    await handler(registered, first.context);
    const upstream = /would submit job|submitted job (\S+)/.exec(
      first.logs.map((l) => l.message).join("\n"),
    )?.[1];
    expect(upstream).toMatch(/^validate-registered-model-[0-9a-f]{24}$/);

    // The workspace announces the end: a failure starts nothing, the completion starts the chain.
    const failed = capturingContext();
    await handler(
      runEndedEvent(upstream ?? "", "Failed", dryRunDir, registered.topic, false),
      failed.context,
    );
    // The failure starts nothing, but validation reports it onto the model.
    expect(failed.logs.map((l) => l.message).join("\n")).toMatch(
      /^tagged model churn:3 with validate-registered-model\.status=Failed, validate-registered-model\.job=validate-registered-model-/m,
    );
    expect(failed.logs.map((l) => l.message).join("\n")).not.toMatch(/submitted job/);
    const completed = runEndedEvent(
      upstream ?? "",
      "Completed",
      dryRunDir,
      registered.topic,
      false,
    );
    const chained = capturingContext();
    await handler(completed, chained.context);
    const downstream = /submitted job (promote-validated-model-[0-9a-f]{24})/.exec(
      chained.logs.map((l) => l.message).join("\n"),
    )?.[1];
    expect(downstream).toBeDefined();
    const body = (
      JSON.parse(readFileSync(join(dryRunDir, `${downstream ?? ""}.json`), "utf8")) as {
        body: { properties: { inputs: Record<string, unknown>; tags: Record<string, string> } };
      }
    ).body.properties;
    expect(body.inputs).toMatchObject({
      model: {
        jobInputType: "mlflow_model",
        uri: expect.stringMatching(/\/models\/churn\/versions\/3$/) as string,
      },
      report: {
        jobInputType: "uri_folder",
        uri: `azureml://datastores/workspaceblobstore/paths/azureml/${upstream ?? ""}/report/`,
      },
      validated_by: { jobInputType: "literal", value: upstream },
    });
    // The chain carries its lineage: the original model, and the job it follows.
    expect(body.tags).toMatchObject({
      "trigger.model": "churn:3",
      "trigger.workflow": "promote-validated-model",
      "trigger.upstreamJob": upstream,
      "trigger.eventType": "Microsoft.MachineLearningServices.RunCompleted",
    });

    // ...and the model now says so: the dry run shows the model PUT.
    const modelPut = JSON.parse(
      readFileSync(join(dryRunDir, "model-tags", "churn-3.json"), "utf8"),
    ) as { method: string; url: string; body: { properties: { tags: Record<string, string> } } };
    expect(modelPut.method).toBe("PUT");
    expect(modelPut.url).toMatch(/\/models\/churn\/versions\/3\?api-version=/);
    // The tags it was registered with, then the report's.
    expect(modelPut.body.properties.tags).toEqual({
      stage: "candidate",
      "validate-registered-model.status": "Completed",
      "validate-registered-model.job": upstream,
    });

    // A redelivered completion changes nothing.
    const again = capturingContext();
    await handler(completed, again.context);
    expect(again.logs.map((l) => l.message).join("\n")).toMatch(
      /^duplicate job promote-validated-model-/m,
    );
    expect(again.logs.map((l) => l.message).join("\n")).toMatch(/^already tagged model churn:3/m);

    // Another RunCompleted for the same job, under a new event id, starts no second chain step.
    const republished = capturingContext();
    await handler(asNewEvent(completed), republished.context);
    expect(republished.logs.map((l) => l.message).join("\n")).toMatch(
      new RegExp(`^duplicate job ${downstream ?? "?"} `, "m"),
    );

    // status shows the whole chain for the model.
    const status = await runScript("status.ts", ["--model", "churn:3"], {
      ...settings,
      AML_WORKSPACE_ID: "",
      [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "chain-rejected-")),
    });
    expect(status.stdout).toMatch(
      /validate-registered-model-[0-9a-f]{24} — workflow validate-registered-model/,
    );
    expect(status.stdout).toMatch(
      /promote-validated-model-[0-9a-f]{24} — workflow promote-validated-model/,
    );
    expect(status.stdout).toMatch(/status: jobs=2 /);
  });
});
