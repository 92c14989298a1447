import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { PLACEHOLDER_WORKSPACE_ID, SETTING_NAMES } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { dryRunJobFiles } from "../support/dryRun";
import { handlerWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { capturingContext } from "../support/invocation";
import { writeLabelledExample } from "../support/labelledConfig";
import { sampleEvent } from "../support/samples";

const ws = TEST_WORKSPACE_ID;
const eventNumbered = (n: number, workspace = ws) => ({
  ...sampleEvent("model-registered.eventgrid.json", workspace),
  id: `label-event-${n}`,
});

describe("label look-ups at submit time, through the handler, against ARM (stand-in)", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let workflowsFile: string;

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    workflowsFile = writeLabelledExample();
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close()]);
  });
  beforeEach(() => {
    arm.requests.length = 0;
    arm.faults.length = 0;
    arm.jobs.clear();
    arm.assets.clear();
    // Created out of order: `@latest` is the newest created, not the highest.
    arm.assets.set("data/local-folder-example", [
      { version: "1", createdAt: "2026-01-01T00:00:00Z" },
      { version: "2", createdAt: "2026-02-01T00:00:00Z" },
    ]);
    arm.assets.set("components/validate_model", [
      { version: "10", createdAt: "2026-01-01T00:00:00Z" },
      { version: "9", createdAt: "2026-03-01T00:00:00Z" },
      { version: "8", createdAt: "2026-02-01T00:00:00Z" },
    ]);
    arm.assets.set("models/baseline-model", [
      { version: "7", createdAt: "2026-04-01T00:00:00Z" },
      { version: "2", createdAt: "2026-05-01T00:00:00Z" },
    ]);
  });

  // A handler per test: each is a fresh process as far as the look-up cache goes.
  const handler = (rejectedDir = mkdtempSync(join(tmpdir(), "rejected-"))) =>
    handlerWith({
      [SETTING_NAMES.amlWorkspaceId]: ws,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.submitBudgetMs]: "2000",
      [SETTING_NAMES.workflowsFile]: workflowsFile,
      [SETTING_NAMES.rejectedDir]: rejectedDir,
    });
  const gets = () => arm.requests.filter((r) => r.method === "GET");

  it("PUTs the versioned ids the workspace names now in place of each azureml:<name>@latest, looked up first", async () => {
    const { context, logs } = capturingContext();
    await handler()(eventNumbered(1), context);

    expect(arm.jobs.size).toBe(1);
    const [job] = [...arm.jobs.values()];
    const properties = job!.properties as {
      inputs: Record<string, { uri?: string }>;
      jobs: Record<string, { componentId: string; inputs: Record<string, { uri?: string }> }>;
    };
    expect(properties.inputs.training_data?.uri).toBe(`${ws}/data/local-folder-example/versions/2`);
    expect(properties.jobs.validate?.inputs.reference_data?.uri).toBe(
      `${ws}/data/local-folder-example/versions/2`,
    );
    expect(properties.jobs.validate?.componentId).toBe(
      `${ws}/components/validate_model/versions/9`,
    );
    expect(properties.jobs.validate?.inputs.baseline?.uri).toBe(
      `${ws}/models/baseline-model/versions/2`,
    );
    // The event's own input is untouched.
    expect(properties.inputs.model?.uri).toBe(`${ws}/models/credit-risk/versions/3`);

    // One GET per asset, as azure-ai-ml sends them, all before the PUT, with the identity's token.
    expect(
      gets()
        .map((r) => `${r.path.replace(ws, "{ws}")}${r.query}`)
        .sort(),
    ).toEqual([
      "{ws}/components/validate_model/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1",
      "{ws}/data/local-folder-example?api-version=2025-12-01",
      "{ws}/models/baseline-model/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1",
    ]);
    expect(arm.requests.at(-1)?.method).toBe("PUT");
    expect(gets().every((r) => r.authorization === `Bearer ${identity.token}`)).toBe(true);
    expect(logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^label look-up: components validate_model@latest = version 9 — job /),
    );
  });

  it("two events: one GET per label, the second job served from the process's answers", async () => {
    const h = handler();
    await h(eventNumbered(2), capturingContext().context);
    await h(eventNumbered(3), capturingContext().context);
    expect(arm.jobs.size).toBe(2);
    expect(gets()).toHaveLength(3);
    for (const job of arm.jobs.values())
      expect(
        (job.properties.jobs as Record<string, { componentId: string }>).validate?.componentId,
      ).toBe(`${ws}/components/validate_model/versions/9`);
  });

  it("a missing asset rejects the workflow, recorded with the asset's name, and nothing is PUT", async () => {
    arm.assets.delete("data/local-folder-example");
    const rejectedDir = mkdtempSync(join(tmpdir(), "rejected-"));
    const { context, logs } = capturingContext();
    await expect(handler(rejectedDir)(eventNumbered(4), context)).resolves.toBeUndefined();

    expect(arm.requests.filter((r) => r.method === "PUT")).toHaveLength(0);
    const [folder] = readdirSync(rejectedDir);
    const record = JSON.parse(
      readFileSync(join(rejectedDir, folder!, "validate-registered-model.json"), "utf8"),
    ) as { eventId: string; workflow: string; reason: string };
    expect(record).toMatchObject({
      eventId: "label-event-4",
      workflow: "validate-registered-model",
    });
    expect(record.reason).toMatch(
      /^data local-folder-example has no version for label latest in workspace ml-ws \(ARM answered 404/,
    );
    expect(logs).toContainEqual({
      level: "error",
      message: expect.stringContaining(
        "for workflow validate-registered-model: data local-folder-example has no version for label latest",
      ) as string,
    });
  });

  it("a look-up that keeps failing hands the event back with no PUT, and the redelivery asks again", async () => {
    const h = handler();
    for (let i = 0; i < 50; i++) arm.faults.push({ status: 503 });
    await expect(h(eventNumbered(5), capturingContext().context)).rejects.toMatchObject({
      name: "TransientError",
      message: expect.stringMatching(/GET .*ARM answered 503 .*retry budget is spent/) as string,
    });
    expect(arm.requests.filter((r) => r.method === "PUT")).toHaveLength(0);
    arm.faults.length = 0;
    arm.requests.length = 0;
    await h(eventNumbered(5), capturingContext().context);
    expect(arm.jobs.size).toBe(1);
    expect(gets()).toHaveLength(3);
  });
});

describe("label look-ups in dry-run mode (no AML_WORKSPACE_ID)", () => {
  it("sends nothing, leaves each label as written, and the record and the log name each look-up's GET", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dry-run-"));
    const handler = handlerWith({
      [SETTING_NAMES.dryRunDir]: dir,
      [SETTING_NAMES.workflowsFile]: writeLabelledExample(),
    });
    const { context, logs } = capturingContext();
    await handler(eventNumbered(6, PLACEHOLDER_WORKSPACE_ID), context);

    const [file] = dryRunJobFiles(dir);
    const written = JSON.parse(readFileSync(join(dir, file!), "utf8")) as {
      body: { properties: { inputs: Record<string, { uri?: string }> } };
      lookups: { asset: string; name: string; url: string; version?: string }[];
    };
    expect(written.body.properties.inputs.training_data?.uri).toBe(
      "azureml:local-folder-example@latest",
    );
    expect(written.lookups.map((l) => `${l.asset} ${l.name} ${l.version ?? "-"}`)).toEqual([
      "data local-folder-example -",
      "components validate_model -",
      "models baseline-model -",
    ]);
    expect(written.lookups[0]?.url).toMatch(
      /^https:\/\/management\.azure\.com\/subscriptions\/.+\/data\/local-folder-example\?api-version=2025-12-01$/,
    );
    expect(logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(
        /^label look-up: data local-folder-example@latest \(GET https:\/\/management\.azure\.com\/.+\/data\/local-folder-example\?api-version=2025-12-01\), not sent — job validate-registered-model-/,
      ),
    );
  });
});
