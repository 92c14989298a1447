import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startLocalHost } from "../../scripts/localHost/webhookServer";
import { FUNCTION_NAMES, SETTING_NAMES, WEBHOOK_PATH } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { functionsWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { sampleEvent } from "../support/samples";

// A file of its own: the process's one credential must not have a token cached yet.
describe("an identity endpoint error that quotes the identity header", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let server: Server;
  let url = "";
  const logLines: string[] = [];

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    identity.mode = "echo-error";
    const host = await startLocalHost(0, {
      functions: functionsWith({
        [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
        [SETTING_NAMES.armEndpoint]: arm.endpoint,
        [SETTING_NAMES.submitBudgetMs]: "1500",
        [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "redaction-msi-")),
      }),
      log: (line) => logLines.push(line),
    });
    server = host.server;
    url = `http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=${FUNCTION_NAMES.triggerPipelines}`;
  });
  afterAll(async () => {
    restoreEnv();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    await Promise.all([arm.close(), identity.close()]);
  });

  it("is handed back to Event Grid, and neither the log nor the answer repeats the header", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
      body: JSON.stringify([{ ...sampleEvent("model-registered.eventgrid.json"), id: "leak-msi" }]),
    });
    const text = await response.text();
    expect(response.status).toBe(500);
    const everything = [logLines.join("\n"), text].join("\n");
    expect(everything).toMatch(/cannot get a token for ARM/);
    expect(identity.requests.some((r) => r.headerOk)).toBe(true);
    expect(everything).not.toContain(identity.header);
    expect(arm.requests).toHaveLength(0);
  });
});
