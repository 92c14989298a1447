import type { Server } from "node:http";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { startLocalHost } from "../../scripts/localHost/webhookServer";
import { FUNCTION_NAMES, SETTING_NAMES, WEBHOOK_PATH } from "../../shared/constants";
import { OUTCOME_RECORD_PREFIX, type OutcomeRecord } from "../../shared/core/outcomeRecords";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { functionsWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { sampleEvent } from "../support/samples";

const MODEL_REGISTERED = "Microsoft.MachineLearningServices.ModelRegistered";
const FOREIGN_WORKSPACE = TEST_WORKSPACE_ID.replace(/ml-ws$/, "not-served");

let arm: ArmStandIn;
let identity: IdentityEndpoint;
let restoreEnv: () => void;
let server: Server;
let url: string;

beforeAll(async () => {
  [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
  restoreEnv = useLocalManagedIdentity(identity);
  const functions = functionsWith({
    [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
    [SETTING_NAMES.armEndpoint]: arm.endpoint,
    [SETTING_NAMES.submitBudgetMs]: "2000",
  });
  const host = await startLocalHost(0, { functions });
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
beforeEach(() => {
  arm.faults.length = 0;
  arm.jobs.clear();
});

/** The event as Event Grid would deliver it, sent `agoMs` after its eventTime. */
const fresh = (name: string, agoMs: number, workspace = TEST_WORKSPACE_ID) => ({
  ...sampleEvent(name, workspace),
  eventTime: new Date(Date.now() - agoMs).toISOString(),
});

/** Posts the events to the local host's webhook; gives each invocation's lines and its parsed records. */
async function deliver(...events: unknown[]) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
    body: JSON.stringify(events),
  });
  expect(response.status).toBe(202);
  const { invocations } = (await response.json()) as {
    invocations: { logs: { level: string; message: string }[] }[];
  };
  return invocations.map(({ logs }) => ({
    lines: logs.filter((l) => !l.message.startsWith(OUTCOME_RECORD_PREFIX)),
    records: logs
      .filter((l) => l.message.startsWith(`${OUTCOME_RECORD_PREFIX}{`))
      .map((l) => {
        expect(l.level).toBe("information");
        return JSON.parse(l.message.slice(OUTCOME_RECORD_PREFIX.length)) as OutcomeRecord;
      }),
  }));
}

describe("triggerPipelines over the local webhook: one outcome record per (event, workflow)", () => {
  it("records a submitted job, then its redelivery as a duplicate, with the time since the event", async () => {
    const event = fresh("model-registered.eventgrid.json", 1500);
    const [first] = await deliver(event);
    expect(first?.lines[0]?.message).toMatch(/^submitted job validate-registered-model-/);
    const job = [...arm.jobs.keys()][0];
    expect(first?.records).toEqual([
      {
        event: "5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11",
        eventType: MODEL_REGISTERED,
        workflow: "validate-registered-model",
        job,
        model: "credit-risk:3",
        outcome: "submitted",
        latencyMs: expect.any(Number) as number,
      },
    ]);
    expect(first?.records[0]?.latencyMs).toBeGreaterThanOrEqual(1500);
    expect(first?.records[0]?.latencyMs).toBeLessThan(60_000);

    const [again] = await deliver(event);
    expect(again?.lines[0]?.message).toMatch(/^duplicate job/);
    expect(again?.records).toMatchObject([
      { workflow: "validate-registered-model", job, outcome: "duplicate" },
    ]);
  });

  it("records ARM's refusal as the workflow's rejection, with its job, beside the error line", async () => {
    arm.faults.push({
      status: 404,
      body: { error: { code: "ResourceNotFound", message: "workspace ml-ws not found" } },
    });
    const [result] = await deliver(fresh("model-registered.cloudevent.json", 0));
    expect(result?.lines).toContainEqual({
      level: "error",
      message: expect.stringMatching(/for workflow validate-registered-model: .*404/) as string,
    });
    expect(result?.records).toEqual([
      {
        event: expect.any(String) as string,
        eventType: MODEL_REGISTERED,
        workflow: "validate-registered-model",
        job: expect.stringMatching(/^validate-registered-model-[0-9a-f]{24}$/) as string,
        model: "credit-risk:4",
        outcome: "rejected",
        latencyMs: expect.any(Number) as number,
      },
    ]);
  });

  it("records an ignored event, and events rejected whole, once each without a workflow (with the model when it was readable)", async () => {
    const [ignored, malformed, foreign] = await deliver(
      fresh("run-status-changed.eventgrid.json", 0),
      sampleEvent("malformed.eventgrid.json", TEST_WORKSPACE_ID),
      fresh("model-registered.eventgrid.json", 0, FOREIGN_WORKSPACE),
    );
    expect(ignored?.lines[0]?.message).toMatch(/^ignored event /);
    expect(ignored?.records).toEqual([
      {
        event: expect.any(String) as string,
        eventType: "Microsoft.MachineLearningServices.RunStatusChanged",
        outcome: "ignored",
        latencyMs: expect.any(Number) as number,
      },
    ]);
    expect(malformed?.lines[0]).toMatchObject({ level: "error" });
    expect(malformed?.records).toEqual([{ event: "bad-0001", eventType: "", outcome: "rejected" }]);
    expect(foreign?.lines[0]?.message).toMatch(/^rejected event .*not-served/);
    expect(foreign?.records).toEqual([
      {
        event: "5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11",
        eventType: MODEL_REGISTERED,
        model: "credit-risk:3",
        outcome: "rejected",
        latencyMs: expect.any(Number) as number,
      },
    ]);
    expect(arm.jobs.size).toBe(0);
  });
});
