import { readFileSync } from "node:fs";
import { join } from "node:path";

import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";

import { REPO_ROOT } from "../support/samples";
import { installMocks, type RegisteredResource, settle, valueOf } from "./pulumiMocks";

let resources: RegisteredResource[];
const ASSETS_WORKFLOWS = join(REPO_ROOT, "test", "fixtures", "assets", "workflows.yaml");

beforeAll(async () => {
  resources = installMocks(
    {
      "aml-event-workflows:workflowsFile": ASSETS_WORKFLOWS,
      "aml-event-workflows:amlSystemTopicName": "ws-topic-1234",
    },
    "assets",
  );
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
