import { readFileSync } from "node:fs";
import { join } from "node:path";

import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";

import { REPO_ROOT } from "../support/samples";
import { installMocks, loadProgram, type RegisteredResource, settle, valueOf } from "./pulumiMocks";

let resources: RegisteredResource[];
const SECOND_WORKSPACE =
  "/subscriptions/77777777-0000-0000-0000-000000000000/resourceGroups/team-b/providers/Microsoft.MachineLearningServices/workspaces/team-b-ws";
const ASSETS_WORKFLOWS = join(REPO_ROOT, "test", "fixtures", "assets", "workflows.yaml");

beforeAll(async () => {
  resources = installMocks(
    {
      "aml-event-workflows:workflowsFile": ASSETS_WORKFLOWS,
      "aml-event-workflows:amlWorkspaceIds": JSON.stringify([SECOND_WORKSPACE]),
    },
    "assets",
    // A pipeline's service principal deploys: its token is app-only.
    { idtyp: "app" },
  );
  const program = await loadProgram();
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

describe("who deploys", () => {
  it("is read from the deploying token when deployerPrincipalType is unset: an app-only token is a service principal", () => {
    const deployerRoles = resources.filter((r) => r.name.startsWith("amlwf-deployer-"));
    expect(deployerRoles).toHaveLength(2);
    for (const role of deployerRoles) expect(role.inputs.principalType).toBe("ServicePrincipal");
  });
});

describe("pipelines that need workspace assets", () => {
  it("are registered by `pulumi up`, as the deploying identity, before the code is deployed", () => {
    const names = resources.map((r) => r.name);
    const register = resources.find((r) => r.name === "amlwf-register-assets")?.inputs;
    expect(register).toEqual({
      create: "node dist/scripts/register.js --workflows test/fixtures/assets/workflows.yaml",
      environment: {
        AML_WORKSPACE_ID: expect.stringMatching(/Workspace\/amlwf-ws$/) as string,
      },
      triggers: [expect.stringMatching(/^[0-9a-f]{64}$/) as string],
    });
    // It waits for the deploying identity's storage roles, and the code deployment waits for it.
    expect(names.indexOf("amlwf-register-assets")).toBeGreaterThan(
      names.indexOf("amlwf-deployer-storageBlobDataContributor"),
    );
    expect(names.indexOf("amlwf-deploy-code")).toBeGreaterThan(
      names.indexOf("amlwf-register-assets"),
    );
  });
});

describe("the stack's workflowsFile", () => {
  it("is what is packaged, what the app setting names and what the subscriptions filter on", () => {
    const zipped = unzipSync(
      readFileSync(join(REPO_ROOT, "build", "stacks", "assets", "function-app.zip")),
    );
    const packaged = JSON.parse(
      Buffer.from(zipped["workflows/workflows.compiled.json"] ?? []).toString("utf8"),
    ) as { workflows: { name: string }[]; eventTypes: string[] };
    expect(packaged.workflows.map((w) => w.name)).toEqual(["retrain"]);
    expect(
      resources.find((r) => r.type === "azure-native:web:WebAppApplicationSettings")?.inputs
        .properties,
    ).toMatchObject({ WORKFLOWS_FILE: "workflows/workflows.compiled.json" });
    for (const type of [
      "azure-native:eventgrid:EventSubscription",
      "azure-native:eventgrid:SystemTopicEventSubscription",
    ])
      expect(resources.find((r) => r.type === type)?.inputs.filter, type).toMatchObject({
        includedEventTypes: packaged.eventTypes,
      });
  });
});

describe("amlWorkspaceIds: more workspaces from one deployment", () => {
  it("subscribes to each one's events, grants the function its role there, and names it to the app", () => {
    const topics = resources.filter((r) => r.type === "azure-native:eventgrid:SystemTopic");
    expect(topics.map((t) => t.inputs.source)).toHaveLength(2);
    expect(topics.map((t) => t.inputs.source)).toContainEqual(
      expect.stringMatching(/Workspace\/amlwf-ws$/),
    );
    expect(topics.find((t) => t.inputs.source === SECOND_WORKSPACE)?.inputs).toMatchObject({
      resourceGroupName: "team-b",
    });
    expect(
      resources.filter((r) => r.type === "azure-native:eventgrid:SystemTopicEventSubscription"),
    ).toHaveLength(2);
    const amlRoles = resources
      .filter(
        (r) =>
          r.type === "azure-native:authorization:RoleAssignment" &&
          String(r.inputs.roleDefinitionId).endsWith("f6c7c914-8db3-469d-8ca1-694a8f32e121"),
      )
      .map((r) => r.inputs);
    expect(amlRoles).toContainEqual(
      expect.objectContaining({
        scope: SECOND_WORKSPACE,
        roleDefinitionId:
          "/subscriptions/77777777-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121",
      }),
    );
    expect(amlRoles).toHaveLength(2);
    expect(
      resources.find((r) => r.type === "azure-native:web:WebAppApplicationSettings")?.inputs
        .properties,
    ).toMatchObject({ AML_WORKSPACES: SECOND_WORKSPACE });
  });
});
