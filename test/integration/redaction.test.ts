import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { toolConfig } from "../../scripts/cli/toolConfig";
import type { JobSubmitter } from "../../shared/aml/jobSubmitter";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { SETTING_NAMES } from "../../shared/constants";
import { processEvent } from "../../shared/core/processEvent";
import { TransientError } from "../../shared/errors";
import type { RejectionStore } from "../../shared/rejections/rejectionStore";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { type HostUnderTest, hostWith } from "../support/hostWith";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { EXAMPLE_WORKFLOWS, sampleEvent } from "../support/samples";

/** Every place a secret could leak to: log lines, the HTTP answer, the rejection records. */
describe("nothing from ARM, the identity endpoint or storage leaks a secret", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let host: HostUnderTest;
  const rejectedDir = mkdtempSync(join(tmpdir(), "redaction-rejected-"));

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    host = await hostWith({
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.submitBudgetMs]: "1500",
      [SETTING_NAMES.rejectedDir]: rejectedDir,
    });
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([host.close(), arm.close(), identity.close()]);
  });
  beforeEach(() => {
    identity.mode = "ok";
    arm.faults.length = 0;
    arm.jobs.clear();
    host.logLines.length = 0;
  });

  const deliver = (event: unknown) => host.deliver(event);
  const records = () =>
    readdirSync(rejectedDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".json"))
      .map((f) => readFileSync(join(rejectedDir, f), "utf8"))
      .join("\n");
  const secrets = () => [identity.token, identity.header];

  it("an ARM 4xx whose body echoes the request's headers: the log line and the rejection record carry no token", async () => {
    arm.faults.push({
      status: 400,
      body: {
        error: {
          code: "BadRequest",
          message: `request had Authorization: Bearer ${identity.token} and x-identity-header: ${identity.header}`,
        },
      },
    });
    const answer = await deliver({
      ...sampleEvent("model-registered.eventgrid.json", TEST_WORKSPACE_ID),
      id: "leak-400",
    });
    expect(answer.status).toBe(202);
    const everything = [host.logLines.join("\n"), records(), answer.text].join("\n");
    expect(everything).toMatch(
      /ARM answered 400: BadRequest: request had Authorization: \[redacted\]/,
    );
    for (const secret of secrets()) expect(everything).not.toContain(secret);
  });

  it("an ARM 4xx that echoes the token percent-encoded and base64-encoded: nothing carries either form", async () => {
    const escaped = `Authorization%3A%20Bearer%20${identity.token.replaceAll(".", "%2E")}`;
    const base64 = Buffer.from(`Bearer ${identity.token}`).toString("base64");
    arm.faults.push({
      status: 400,
      body: { error: { code: "BadRequest", message: `saw ${escaped} and ${base64}` } },
    });
    const answer = await deliver({
      ...sampleEvent("model-registered.eventgrid.json"),
      id: "leak-encoded",
      // From the served workspace's system topic, so the event reaches ARM.
      topic: TEST_WORKSPACE_ID,
    });
    expect(answer.status).toBe(202);
    const everything = [host.logLines.join("\n"), records(), answer.text].join("\n");
    expect(everything).toMatch(/BadRequest: saw \[redacted encoded\] and \[redacted encoded\]/);
    for (const secret of [identity.token, base64, ...identity.token.split(".")])
      expect(everything).not.toContain(secret);
  });

  it("an ARM 5xx whose body echoes the token: the local host's 500 answer and its log carry none", async () => {
    for (let i = 0; i < 10; i++)
      arm.faults.push({
        status: 503,
        body: { error: { code: "ServiceUnavailable", message: `echo Bearer ${identity.token}` } },
      });
    const answer = await deliver({
      ...sampleEvent("model-registered.eventgrid.json", TEST_WORKSPACE_ID),
      id: "leak-503",
    });
    expect(answer.status).toBe(500);
    const everything = [host.logLines.join("\n"), answer.text].join("\n");
    expect(everything).toMatch(/ServiceUnavailable: echo Bearer \[redacted\]/);
    for (const secret of secrets()) expect(everything).not.toContain(secret);
  });
});

describe("a storage error that carries a SAS signature or an account key", () => {
  it("is handed back redacted when the rejection cannot be kept", async () => {
    const failing: RejectionStore = {
      location: "blob",
      record: () =>
        Promise.reject(
          new Error(
            "PUT https://acct.blob.core.windows.net/rejected-events/x.json?sv=2022-11-02&sig=S1gN4tur3%3D failed; connection DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=QWNjb3VudEtleQ==;",
          ),
        ),
      list: async function* () {},
      remove: () => Promise.resolve(),
    };
    const submitter: JobSubmitter = { submit: () => Promise.resolve({ kind: "submitted" }) };
    const workspace = parseWorkspaceId(TEST_WORKSPACE_ID);
    if (!workspace.ok) throw new Error("bad test workspace");
    const error = await processEvent(
      { ...sampleEvent("malformed.eventgrid.json") },
      {
        config: toolConfig(EXAMPLE_WORKFLOWS),
        workspace: workspace.value,
        armEndpoint: "https://x",
      },
      submitter,
      failing,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    const message = (error as Error).message;
    expect(message).toMatch(/cannot keep the rejection/);
    expect(message).not.toContain("S1gN4tur3");
    expect(message).not.toContain("QWNjb3VudEtleQ==");
  });
});
