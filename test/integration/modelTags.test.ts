import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { EventGridHandler } from "../../functions/registry";
import { SETTING_NAMES } from "../../shared/constants";
import { createFolderRejectionStore } from "../../shared/rejections/folderRejectionStore";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { handlerWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { capturingContext } from "../support/invocation";
import { EXAMPLE_WORKFLOWS } from "../support/samples";

/** The example config, with its workflow asking for its outcome on the model. */
function reportingConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "report-"));
  cpSync(dirname(EXAMPLE_WORKFLOWS), dir, { recursive: true });
  const file = join(dir, "workflows.yaml");
  writeFileSync(file, `${readFileSync(file, "utf8")}    report: model-tags\n`);
  return file;
}

const runEnded = (job: string, status: "Completed" | "Failed", id: string) => ({
  id,
  eventType: `Microsoft.MachineLearningServices.${status === "Completed" ? "RunCompleted" : "RunStatusChanged"}`,
  subject: `experiments/e/runs/${job}`,
  topic: TEST_WORKSPACE_ID,
  data: {
    experimentName: "model-validation",
    runId: job,
    runTags: { "trigger.workflow": "validate-registered-model", "trigger.model": "churn:3" },
    ...(status === "Failed" ? { runStatus: "Failed" } : {}),
  },
});

describe("report: model-tags — a job's outcome written back onto its model version (ARM stand-in)", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let handler: EventGridHandler;
  const rejectedDir = mkdtempSync(join(tmpdir(), "report-rejected-"));

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    handler = handlerWith({
      [SETTING_NAMES.workflowsFile]: reportingConfig(),
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.rejectedDir]: rejectedDir,
      [SETTING_NAMES.submitBudgetMs]: "2000",
    });
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close()]);
  });
  beforeEach(() => {
    arm.requests.length = 0;
    arm.models.clear();
    arm.models.set("churn/3", {
      properties: { description: "churn model", tags: { stage: "candidate" }, flavors: {} },
    });
  });

  it("merges <workflow>.status and <workflow>.job into the version's tags; a redelivery writes nothing", async () => {
    const event = runEnded("validate-registered-model-abc", "Completed", "run-1");
    const first = capturingContext();
    await handler(event, first.context);
    expect(arm.models.get("churn/3")).toEqual({
      properties: {
        description: "churn model",
        flavors: {},
        tags: {
          stage: "candidate",
          "validate-registered-model.status": "Completed",
          "validate-registered-model.job": "validate-registered-model-abc",
        },
      },
    });
    expect(first.logs.map((l) => l.message).join("\n")).toMatch(
      /^tagged model churn:3 with validate-registered-model\.status=Completed, validate-registered-model\.job=validate-registered-model-abc/m,
    );
    const puts = () =>
      arm.requests.filter((r) => r.method === "PUT" && r.path.includes("/models/"));
    expect(puts()).toHaveLength(1);
    const again = capturingContext();
    await handler(event, again.context);
    expect(puts()).toHaveLength(1);
    expect(again.logs.map((l) => l.message).join("\n")).toMatch(/^already tagged model churn:3/m);
  });

  it("a failure is written too; a model version deleted meanwhile is a recorded rejection, not a crash", async () => {
    await handler(
      runEnded("validate-registered-model-def", "Failed", "run-2"),
      capturingContext().context,
    );
    expect(
      (arm.models.get("churn/3")?.properties.tags as Record<string, string>)[
        "validate-registered-model.status"
      ],
    ).toBe("Failed");

    arm.models.clear();
    const { context, logs } = capturingContext();
    await handler(runEnded("validate-registered-model-ghi", "Completed", "run-3"), context);
    expect(logs.map((l) => `${l.level} ${l.message}`).join("\n")).toMatch(
      /error report of workflow validate-registered-model onto model churn:3 not written: model churn:3 no longer exists in the workspace/,
    );
    const recorded = [];
    for await (const entry of createFolderRejectionStore(rejectedDir).list())
      if ("rejection" in entry) recorded.push(entry.rejection);
    expect(recorded).toContainEqual(
      expect.objectContaining({ eventId: "run-3", workflow: "validate-registered-model.report" }),
    );
  });
});
