import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
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

const rejectedDir = mkdtempSync(join(tmpdir(), "workspaces-rejected-"));

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
      [SETTING_NAMES.rejectedDir]: rejectedDir,
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
    // ARM ids compare without case.
    await handler(registered("e-1", OTHER.toUpperCase()), capturingContext().context);
    const stranger = capturingContext();
    await handler(registered("e-2", UNSERVED), stranger.context);

    expect(putsFor("where-it-came-from").map((p) => p.toLowerCase())).toEqual([
      TEST_WORKSPACE_ID.toLowerCase(),
      OTHER.toLowerCase(),
    ]);
    // The same event id from two workspaces: two events (dedup is keyed on source and id).
    expect(putsFor("always-team-b")).toEqual([OTHER, OTHER]);
    expect(stranger.logs.map((l) => `${l.level} ${l.message}`).join("\n")).toMatch(
      /^error rejected event e-2: ModelRegistered is an Azure ML event type, believed only from the system topic of a workspace this deployment serves; the event's topic ".*\/workspaces\/stranger" is not one/m,
    );
  });

  it("believes an Azure ML event type only from a served workspace: the domain topic and a stranger's CloudEvent start nothing and are recorded", async () => {
    const before = arm.requests.length;
    const domain = capturingContext();
    await handler(
      registered(
        "e-3",
        "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/x/providers/Microsoft.EventGrid/domains/d/topics/t",
      ),
      domain.context,
    );
    const attacker = capturingContext();
    await handler(
      {
        specversion: "1.0",
        id: "e-4",
        type: "Microsoft.MachineLearningServices.ModelRegistered",
        source: "https://attacker.example/",
        subject: "models/churn:3",
        data: { modelName: "churn", modelVersion: "3" },
      },
      attacker.context,
    );
    expect(arm.requests.length).toBe(before);
    expect(attacker.logs.map((l) => l.message).join("\n")).toMatch(
      /source "https:\/\/attacker\.example\/" is not one \(served: .*ml-ws, .*team-b-ws\)/,
    );
    expect(domain.logs.map((l) => l.message).join("\n")).toMatch(
      /domains\/d\/topics\/t" is not one/,
    );
    const kept = readdirSync(rejectedDir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json"))
      .map((f) => readFileSync(join(rejectedDir, f), "utf8"))
      .join("\n");
    expect(kept).toMatch(/e-3/);
    expect(kept).toMatch(/e-4/);
  });
});
