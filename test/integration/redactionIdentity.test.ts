import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SETTING_NAMES } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { type HostUnderTest, hostWith } from "../support/hostWith";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { sampleEvent } from "../support/samples";

// A file of its own: the process's one credential must not have a token cached yet.
describe("an identity endpoint error that quotes the identity header", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let host: HostUnderTest;

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    identity.mode = "echo-error";
    host = await hostWith({
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.submitBudgetMs]: "1500",
      [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "redaction-msi-")),
    });
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([host.close(), arm.close(), identity.close()]);
  });

  it("is handed back to Event Grid, and neither the log nor the answer repeats the header", async () => {
    const { status, text } = await host.deliver({
      ...sampleEvent("model-registered.eventgrid.json", TEST_WORKSPACE_ID),
      id: "leak-msi",
    });
    expect(status).toBe(500);
    const everything = [host.logLines.join("\n"), text].join("\n");
    expect(everything).toMatch(/cannot get a token for ARM/);
    expect(identity.requests.some((r) => r.headerOk)).toBe(true);
    expect(everything).not.toContain(identity.header);
    expect(arm.requests).toHaveLength(0);
  });
});
