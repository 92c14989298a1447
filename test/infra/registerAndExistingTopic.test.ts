import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { REPO_ROOT } from "../support/samples";
import { installMocks, type RegisteredResource, settle, valueOf } from "./pulumiMocks";

let resources: RegisteredResource[];
const ASSETS_WORKFLOWS = join(REPO_ROOT, "test", "fixtures", "assets", "workflows.yaml");

beforeAll(async () => {
  resources = installMocks({
    "aml-event-workflows:workflowsFile": ASSETS_WORKFLOWS,
    "aml-event-workflows:amlSystemTopicName": "ws-topic-1234",
  });
  const program = await import("../../infra/index");
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

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

describe("amlSystemTopicName: the workspace's existing system topic", () => {
  it("gets the subscription instead of a second topic, and its identity writes the dead letters", () => {
    expect(resources.filter((r) => r.type === "azure-native:eventgrid:SystemTopic")).toEqual([]);
    expect(
      resources.find((r) => r.type === "azure-native:eventgrid:SystemTopicEventSubscription")
        ?.inputs,
    ).toMatchObject({
      systemTopicName: "ws-topic-1234",
      eventSubscriptionName: "trigger-pipelines",
    });
    expect(resources.find((r) => r.name === "amlwf-aml-topic-deadletter")?.inputs).toMatchObject({
      principalId: "principal-of-existing-topic",
      scope: expect.stringMatching(/BlobContainer\/amlwf-deadletter$/) as string,
    });
  });
});
