import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { AmlEventWorkflows } from "../../infra/amlEventWorkflows";
import { TAGGABLE_TYPES } from "../../infra/tags";
import { EXAMPLE_WORKFLOWS } from "../support/samples";
import {
  installMocks,
  recordOptions,
  registeredOptions,
  type RegisteredResource,
  settle,
  valueOf,
} from "./pulumiMocks";

const WORKSPACE =
  "/subscriptions/99999999-2222-3333-4444-555555555555/resourceGroups/ml-prod/providers/Microsoft.MachineLearningServices/workspaces/prod-ws";
const COMPONENT = "aml-event-workflows:index:AmlEventWorkflows::ml-events";
let registered: RegisteredResource[];
let deployment: AmlEventWorkflows;

// A platform team's own program: its resource group and network come first, and the deployment
// is one resource among theirs, configured in code rather than by stack settings.
beforeAll(async () => {
  // No stack settings of ours: the embedding program passes everything as arguments.
  registered = installMocks({}, "embedded");
  await pulumi.runtime.runInPulumiStack(() => {
    recordOptions();
    const group = new resources.ResourceGroup("platform-rg", {
      resourceGroupName: "rg-ml-platform",
      tags: { owner: "platform" },
    });
    deployment = new AmlEventWorkflows(
      "ml-events",
      {
        location: "westeurope",
        namePrefix: "mlev",
        resourceGroupName: "rg-ml-platform",
        amlWorkspaceId: WORKSPACE,
        workflowsFile: EXAMPLE_WORKFLOWS,
        tags: { team: "ml" },
      },
      { dependsOn: [group] },
    );
    return Promise.resolve({});
  });
  await valueOf(deployment.systemTopicSubscriptionId);
  await settle();
}, 60_000);

describe("AmlEventWorkflows embedded in a program of one's own", () => {
  it("deploys the whole graph as children of the component, without aliases", () => {
    const children = [...registeredOptions].filter(([, o]) => o.parent === COMPONENT);
    expect(children.length).toBeGreaterThanOrEqual(20);
    for (const type of [
      "azure-native:web:WebApp",
      "azure-native:eventgrid:Domain",
      "azure-native:eventgrid:SystemTopicEventSubscription",
      "command:local:Command",
    ])
      expect(
        children.some(([key]) => key.startsWith(`${type}::`)),
        type,
      ).toBe(true);
    for (const [key, options] of children) expect(options.aliasedToTop, key).toBe(false);
    // Only the program's own resource group and the component sit at the top.
    expect(
      [...registeredOptions].filter(([, o]) => o.parent === undefined).map(([key]) => key),
    ).toEqual(["azure-native:resources:ResourceGroup::platform-rg", COMPONENT]);
  });

  it("deploys into the program's resource group and tags only its own resources", () => {
    const groups = registered.filter((r) => r.type === "azure-native:resources:ResourceGroup");
    expect(groups.map((g) => [g.name, g.inputs.tags])).toEqual([
      ["platform-rg", { owner: "platform" }],
    ]);
    const app = registered.find((r) => r.type === "azure-native:web:WebApp");
    expect(app?.name).toBe("mlev-func");
    expect(app?.inputs).toMatchObject({
      resourceGroupName: "rg-ml-platform",
      tags: { project: "aml-event-workflows", stack: "embedded", team: "ml" },
    });
    for (const r of registered.filter(
      (r) => TAGGABLE_TYPES.has(r.type) && r.name !== "platform-rg",
    ))
      expect(r.inputs.tags, r.name).toMatchObject({ team: "ml" });
  });

  it("exposes what producers and operators need as outputs", async () => {
    expect(await valueOf(deployment.domainEndpoint)).toMatch(/^https:\/\/mlev-events\./);
    expect(await valueOf(deployment.workspaceId)).toBe(WORKSPACE);
    expect(deployment.packageSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses bad arguments by their names before registering anything", () => {
    expect(
      () =>
        new AmlEventWorkflows("bad", {
          location: "westeurope",
          namePrefix: "ML-Team",
          maxDeliveryAttempts: 99,
        }),
    ).toThrow(
      /Invalid settings for AmlEventWorkflows "bad":\n {2}namePrefix: "ML-Team" must be .*\n {2}maxDeliveryAttempts: 99 must be a whole number from 1 to 30/,
    );
  });
});
