import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { EventGridHandler } from "../../functions/registry";
import { LINEAGE_TAGS, SETTING_NAMES } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { dryRunJobFiles } from "../support/dryRun";
import { handlerWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { capturingContext } from "../support/invocation";
import { REPO_ROOT, sampleEvent } from "../support/samples";
import { writeConfig } from "../support/tempConfig";

type Handler = EventGridHandler;

const loadHandler = (settings: Record<string, string | undefined>): Promise<Handler> =>
  Promise.resolve().then(() => handlerWith(settings));

const SECOND_WORKSPACE_ID = TEST_WORKSPACE_ID.replace(/ml-ws$/, "second-ws");

describe("triggerPipelines against ARM (stand-in) with managed identity", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let handler: Handler;

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    handler = await loadHandler({
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.amlWorkspaces]: SECOND_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.submitBudgetMs]: "2000",
    });
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close()]);
  });
  beforeEach(() => {
    arm.requests.length = 0;
    arm.faults.length = 0;
    arm.jobs.clear();
  });

  it("submits the shipped workflow's job for a ModelRegistered event, with lineage tags", async () => {
    const { context, logs } = capturingContext();
    await handler(sampleEvent("model-registered.eventgrid.json", TEST_WORKSPACE_ID), context);

    expect(arm.jobs.size).toBe(1);
    const [name, body] = [...arm.jobs.entries()][0]!;
    expect(name).toMatch(/^validate-registered-model-[0-9a-f]{24}$/);
    const properties = body.properties as {
      tags: Record<string, string>;
      inputs: Record<string, unknown>;
    };
    expect(properties.tags).toMatchObject({
      [LINEAGE_TAGS.eventId]: "5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11",
      [LINEAGE_TAGS.eventType]: "Microsoft.MachineLearningServices.ModelRegistered",
      [LINEAGE_TAGS.subject]: "models/credit-risk:3",
      [LINEAGE_TAGS.workflow]: "validate-registered-model",
      [LINEAGE_TAGS.model]: "credit-risk:3",
    });
    expect(properties.inputs.model).toEqual({
      jobInputType: "mlflow_model",
      uri: `${TEST_WORKSPACE_ID}/models/credit-risk/versions/3`,
    });
    expect(arm.requests[0]?.authorization).toBe(`Bearer ${identity.token}`);
    expect(logs).toContainEqual({
      level: "information",
      message: expect.stringMatching(/^submitted job validate-registered-model-/) as string,
    });
  });

  it("a redelivered event is a duplicate, not a second job", async () => {
    const event = sampleEvent("model-registered.cloudevent.json", TEST_WORKSPACE_ID);
    await handler(event, capturingContext().context);
    const { context, logs } = capturingContext();
    await handler(event, context);
    expect(arm.jobs.size).toBe(1);
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/^duplicate job/));
  });

  it("keys dedup on (source, id): the same id from two sources is two jobs, each redelivery none", async () => {
    const event = sampleEvent("model-registered.cloudevent.json", TEST_WORKSPACE_ID);
    const fromElsewhere = { ...event, source: SECOND_WORKSPACE_ID };
    for (const e of [event, fromElsewhere, event, fromElsewhere])
      await handler(e, capturingContext().context);
    expect(arm.jobs.size).toBe(2);
  });

  it("recognises a redelivery of an event whose id is longer than a tag may hold", async () => {
    const event = {
      ...sampleEvent("model-registered.cloudevent.json", TEST_WORKSPACE_ID),
      id: "x".repeat(300),
    };
    await handler(event, capturingContext().context);
    const { context, logs } = capturingContext();
    await handler(event, context);
    expect(arm.jobs.size).toBe(1);
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/^duplicate job/));
    expect(logs.map((l) => l.message).join("\n")).not.toMatch(/collision/);
  });

  it("throws (so Event Grid redelivers) when ARM keeps failing", async () => {
    for (let i = 0; i < 50; i++) arm.faults.push({ status: 503 });
    // The handler module was loaded after vi.resetModules, so it has its own copy of the class.
    await expect(
      handler(
        sampleEvent("model-registered.pascal.eventgrid.json", TEST_WORKSPACE_ID),
        capturingContext().context,
      ),
    ).rejects.toMatchObject({
      name: "TransientError",
      message: expect.stringMatching(/ARM answered 503 .*retry budget is spent/) as string,
    });
    expect(arm.jobs.size).toBe(0);
  });

  it("logs a malformed event as an error with its reason and returns normally", async () => {
    const { context, logs } = capturingContext();
    await expect(
      handler(sampleEvent("malformed.eventgrid.json", TEST_WORKSPACE_ID), context),
    ).resolves.toBeUndefined();
    expect(logs).toContainEqual({
      level: "error",
      message: expect.stringMatching(
        /rejected event bad-0001: malformed event: .*no model name/,
      ) as string,
    });
    expect(arm.requests).toHaveLength(0);
  });

  it("ignores an event no workflow listens for, sending nothing", async () => {
    const { context, logs } = capturingContext();
    await handler(sampleEvent("run-status-changed.eventgrid.json", TEST_WORKSPACE_ID), context);
    expect(arm.requests).toHaveLength(0);
    expect(logs[0]?.message).toMatch(/ignored event .*no workflow listens for RunStatusChanged/);
  });

  it("logs ARM's 4xx as a rejection and does not throw", async () => {
    arm.faults.push({
      status: 404,
      body: { error: { code: "ResourceNotFound", message: "workspace ml-ws not found" } },
    });
    const { context, logs } = capturingContext();
    await handler(sampleEvent("model-registered.eventgrid.json", TEST_WORKSPACE_ID), context);
    expect(logs).toContainEqual({
      level: "error",
      message: expect.stringContaining(
        "ARM answered 404: ResourceNotFound: workspace ml-ws not found",
      ) as string,
    });
  });
});

describe("triggerPipelines in dry-run mode (no AML_WORKSPACE_ID)", () => {
  it("writes the request it would send to DRY_RUN_DIR, and a redelivery is a duplicate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dry-run-"));
    const handler = await loadHandler({ [SETTING_NAMES.dryRunDir]: dir });
    const { context, logs } = capturingContext();
    await handler(sampleEvent("model-registered.eventgrid.json"), context);

    const files = dryRunJobFiles(dir);
    expect(files).toHaveLength(1);
    const written = JSON.parse(readFileSync(join(dir, files[0]!), "utf8")) as {
      method: string;
      url: string;
      body: { properties: { jobType: string } };
    };
    expect(written.method).toBe("PUT");
    expect(written.url).toMatch(
      /^https:\/\/management\.azure\.com\/subscriptions\/.+\/jobs\/validate-registered-model-[0-9a-f]{24}\?api-version=2025-12-01$/,
    );
    expect(written.body.properties.jobType).toBe("Pipeline");
    expect(files[0]).toBe(`${written.url.split("/jobs/")[1]!.split("?")[0]!}.json`);
    expect(logs[0]?.message).toMatch(/^submitted job/);

    const again = capturingContext();
    await handler(sampleEvent("model-registered.eventgrid.json"), again.context);
    expect(dryRunJobFiles(dir)).toHaveLength(1);
    expect(again.logs[0]?.message).toMatch(/^duplicate job/);
  });

  it("refuses to start with an invalid workflows file, naming the file and the problem", async () => {
    const bad = writeConfig({ "workflows.yaml": "workflows:\n  - name: x\n" });
    await expect(loadHandler({ [SETTING_NAMES.workflowsFile]: bad })).rejects.toThrow(
      /Invalid workflows config[\s\S]*workflows\.yaml:2:5 workflows\[0\]: a workflow needs "on"/,
    );
  });

  it("refuses a JSON file that is not compiled workflows, saying how to make one", async () => {
    const notCompiled = join(REPO_ROOT, "samples", "events", "malformed.eventgrid.json");
    await expect(loadHandler({ [SETTING_NAMES.workflowsFile]: notCompiled })).rejects.toThrow(
      /malformed\.eventgrid\.json is not a compiled workflows file of format 2; build it with `amlwf package`/,
    );
  });

  it("refuses to start with an invalid workspace id, naming the setting", async () => {
    await expect(loadHandler({ [SETTING_NAMES.amlWorkspaceId]: "my-workspace" })).rejects.toThrow(
      /AML_WORKSPACE_ID: "my-workspace" is not an Azure ML workspace id/,
    );
  });
});
