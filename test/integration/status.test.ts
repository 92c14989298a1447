import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PLACEHOLDER_WORKSPACE_ID, SETTING_NAMES } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { handlerWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { capturingContext } from "../support/invocation";
import { runScript } from "../support/runScript";

const modelEvent = (name: string, version: string, id: string, topic = TEST_WORKSPACE_ID) => ({
  id,
  eventType: "Microsoft.MachineLearningServices.ModelRegistered",
  subject: `models/${name}:${version}`,
  eventTime: "2026-11-24T10:00:00Z",
  topic,
  dataVersion: "2",
  data: { modelName: name, modelVersion: version, modelTags: { stage: "candidate" } },
});

describe("npm run status, against the workspace (ARM stand-in)", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  const rejectedDir = mkdtempSync(join(tmpdir(), "status-rejected-"));
  let env: Record<string, string | undefined> = {};

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    const settings = {
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.rejectedDir]: rejectedDir,
      [SETTING_NAMES.submitBudgetMs]: "2000",
    };
    const handler = handlerWith(settings);
    for (const [name, version, id] of [
      ["churn", "3", "evt-churn-3"],
      ["churn", "4", "evt-churn-4"],
      ["fraud", "1", "evt-fraud-1"],
      ["fraud", "2", "evt-fraud-2"],
    ] as const)
      await handler(modelEvent(name, version, id), capturingContext().context);
    // A rejection for churn:3 too: the workspace refuses the job of another event for it.
    arm.faults.push({ status: 400, body: { error: { code: "UserError", message: "no compute" } } });
    await handler(modelEvent("churn", "3", "evt-churn-3-again"), capturingContext().context);
    // Someone else's job, without our lineage: the list's tag filter leaves it out.
    arm.jobs.set("hand-made", { properties: { jobType: "Pipeline", tags: {} } });
    env = {
      ...settings,
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
    };
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close()]);
  });

  it("--model churn:3 shows its job with status and studio link, and its rejection", async () => {
    const { status, stdout } = await runScript("status.ts", ["--model", "churn:3"], env);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^Running\s+validate-registered-model-[0-9a-f]{24} — workflow validate-registered-model, event evt-churn-3 \(model churn:3\)/m,
    );
    expect(stdout).toMatch(
      /https:\/\/ml\.azure\.com\/runs\/validate-registered-model-[0-9a-f]{24}\?wsid=%2Fsubscriptions%2F/,
    );
    expect(stdout).toMatch(
      /^rejected\s+event evt-churn-3-again for workflow validate-registered-model \(model churn:3\) at .*: ARM answered 400: UserError: no compute/m,
    );
    // A version given, its tags are read too: the stand-in has no such model version, which is said.
    expect(stdout).toMatch(/^model {6}no model churn:3 in workspace ml-ws$/m);
    // Every page was read: four of our jobs, two to a page; the hand-made one is filtered out by tag.
    expect(stdout).toMatch(
      /status: jobs=1 rejections=1 deadletters=0 — looked at 4 job\(s\) in workspace /,
    );
    const gets = arm.requests.filter((r) => r.method === "GET" && r.path.endsWith("/jobs"));
    expect(gets.length).toBe(2);
    expect(gets.every((r) => r.authorization === `Bearer ${identity.token}`)).toBe(true);
  });

  it("--model churn matches every version; --event one event; --json is the report", async () => {
    const all = await runScript("status.ts", ["--model", "churn", "--json"], env);
    const report = JSON.parse(all.stdout) as { jobs: { eventId: string }[] };
    expect(report.jobs.map((j) => j.eventId).sort()).toEqual(["evt-churn-3", "evt-churn-4"]);
    const one = await runScript("status.ts", ["--event", "evt-fraud-2"], env);
    expect(one.stdout).toMatch(/event evt-fraud-2 \(model fraud:2\)/);
    expect(one.stdout).toMatch(/status: jobs=1 rejections=0/);
  });

  it("says so plainly when nothing matches", async () => {
    const { status, stdout } = await runScript("status.ts", ["--model", "nope:1"], env);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^status: nothing matches — looked at 4 job\(s\) in workspace .*, \d+ rejection\(s\) in .* \(no dead letters: they live in Blob Storage\)$/m,
    );
  });
});

describe("npm run status, in dry-run mode", () => {
  it("reads the dry-run requests, so it works on a laptop", async () => {
    const dryRunDir = mkdtempSync(join(tmpdir(), "status-dry-"));
    const settings = {
      [SETTING_NAMES.dryRunDir]: dryRunDir,
      [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "status-dry-rejected-")),
    };
    await handlerWith(settings)(
      modelEvent("churn", "3", "evt-dry", PLACEHOLDER_WORKSPACE_ID),
      capturingContext().context,
    );
    const { stdout } = await runScript("status.ts", ["--model", "churn:3"], {
      ...settings,
      AML_WORKSPACE_ID: "",
    });
    expect(stdout).toMatch(
      /^dry run \(not submitted\) validate-registered-model-[0-9a-f]{24} — workflow validate-registered-model, event evt-dry \(model churn:3\)/m,
    );
    expect(stdout).toMatch(/status: jobs=1 .* in dry-run folder /);
  });
});
