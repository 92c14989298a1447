import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SETTING_NAMES } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { hostWith } from "../support/hostWith";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { sampleEvent } from "../support/samples";

const SUBMIT_BUDGET_MS = 1000;
// The invocation's budget is the submissions' plus 4 s to keep rejections (shared/settings.ts).
const INVOCATION_BUDGET_MS = SUBMIT_BUDGET_MS + 4000;

/** Delivers one event to a local host serving these settings; how it ended and how long it took. */
async function deliverOnce(
  settings: Record<string, string | undefined>,
  event: unknown,
): Promise<{ status: number; ms: number; text: string }> {
  const host = await hostWith(settings);
  try {
    return await host.deliver(event);
  } finally {
    await host.close();
  }
}

describe("everything inside the budget", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  // A blob endpoint that accepts connections and never answers: a paused storage.
  let paused: Server;
  let pausedPort = 0;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    paused = createServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => paused.listen(0, "127.0.0.1", resolve));
    pausedPort = (paused.address() as AddressInfo).port;
  });
  afterAll(async () => {
    restoreEnv();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      paused.close(() => {
        resolve();
      }),
    );
    await Promise.all([arm.close(), identity.close()]);
  });

  it("a silent identity endpoint: the invocation hands the event back within its budget", async () => {
    identity.mode = "silent";
    const result = await deliverOnce(
      {
        [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
        [SETTING_NAMES.armEndpoint]: arm.endpoint,
        [SETTING_NAMES.submitBudgetMs]: String(SUBMIT_BUDGET_MS),
      },
      {
        ...sampleEvent("model-registered.eventgrid.json", TEST_WORKSPACE_ID),
        id: "silent-identity",
      },
    );
    expect(result.status).toBe(500);
    expect(result.ms).toBeLessThan(INVOCATION_BUDGET_MS + 1500);
    expect(identity.requests.length).toBeGreaterThan(0);
    expect(arm.requests).toHaveLength(0);
  }, 30_000);

  // The archive append is the invocation's first storage write, so a paused storage stops it there
  // (before it, this case reached the rejection write, which has the same abort signal).
  it("a paused storage: the archive write is abandoned and the event handed back within the budget", async () => {
    const result = await deliverOnce(
      {
        [SETTING_NAMES.submitBudgetMs]: String(SUBMIT_BUDGET_MS),
        AzureWebJobsStorage: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${pausedPort}/devstoreaccount1;`,
      },
      sampleEvent("malformed.eventgrid.json"),
    );
    expect(result.status).toBe(500);
    expect(result.text).toMatch(
      /cannot archive the event in http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/event-archive/,
    );
    expect(result.ms).toBeLessThan(INVOCATION_BUDGET_MS + 1500);
  }, 30_000);
});
