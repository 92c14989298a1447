import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { EventGridHandler } from "../../functions/registry";
import { SETTING_NAMES } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { handlerWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { capturingContext } from "../support/invocation";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const OTHER =
  "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/team-b/providers/Microsoft.MachineLearningServices/workspaces/team-b-ws";
const UNSERVED =
  "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/x/providers/Microsoft.MachineLearningServices/workspaces/stranger";

const registered = (id: string, topic: string) => ({
  id,
  eventType: "Microsoft.MachineLearningServices.ModelRegistered",
  subject: "models/churn:3",
  topic,
  data: { modelName: "churn", modelVersion: "3" },
});

describe("many workspaces from one deployment", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let handler: EventGridHandler;

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    handler = handlerWith({
      [SETTING_NAMES.workflowsFile]: writeConfig({
        "workflows.yaml": `workflows:
  - name: where-it-came-from
    on: ModelRegistered
    workspace: source
    pipeline: p.yml
  - name: always-team-b
    on: ModelRegistered
    workspace: team-b-ws
    pipeline: p.yml
`,
        "p.yml": MINIMAL_PIPELINE,
      }),
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.amlWorkspaces]: OTHER,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "workspaces-rejected-")),
      [SETTING_NAMES.submitBudgetMs]: "2000",
    });
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close()]);
  });

  const putsFor = (workflow: string) =>
    arm.requests
      .filter((r) => r.method === "PUT" && r.path.includes(`/jobs/${workflow}-`))
      .map((r) => r.path.replace(/\/jobs\/.*$/, ""));

  it("sends `workspace: source` jobs to the event's workspace, a named workspace's to it, and refuses an unserved source", async () => {
    await handler(registered("e-1", TEST_WORKSPACE_ID), capturingContext().context);
    await handler(registered("e-1", OTHER), capturingContext().context);
    const stranger = capturingContext();
    await handler(registered("e-2", UNSERVED), stranger.context);

    expect(putsFor("where-it-came-from")).toEqual([TEST_WORKSPACE_ID, OTHER]);
    // The same event id from two workspaces: two events (dedup is keyed on source and id).
    expect(putsFor("always-team-b")).toEqual([OTHER, OTHER, OTHER]);
    expect(stranger.logs.map((l) => `${l.level} ${l.message}`).join("\n")).toMatch(
      /error rejected event e-2 .* for workflow where-it-came-from: the event came from workspace stranger, which this deployment does not serve/,
    );
  });
});
