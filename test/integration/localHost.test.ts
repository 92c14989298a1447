import { mkdtempSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startLocalHost } from "../../scripts/localHost/webhookServer";
import { WEBHOOK_PATH } from "../../shared/constants";
import { FUNCTION_NAMES, SETTING_NAMES } from "../../shared/constants";
import { dryRunJobFiles } from "../support/dryRun";
import { functionsWith } from "../support/functionModule";
import { sampleEvent } from "../support/samples";

let server: Server;
let base: string;
const dryRunDir = mkdtempSync(join(tmpdir(), "local-host-"));
const seen: unknown[] = [];

beforeAll(async () => {
  const functions = functionsWith({ [SETTING_NAMES.dryRunDir]: dryRunDir });
  functions.set("recorder", (event) => {
    seen.push(event);
    return Promise.resolve();
  });
  functions.set("failsOnB", (event) =>
    (event as { id?: string }).id === "b"
      ? Promise.reject(new Error("boom on b"))
      : Promise.resolve(),
  );
  const host = await startLocalHost(0, { functions });
  server = host.server;
  base = `http://127.0.0.1:${host.port}${WEBHOOK_PATH}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    ),
);

const post = (
  fn: string,
  body: string,
  headers: Record<string, string> = { "aeg-event-type": "Notification" },
) =>
  fetch(`${base}?functionName=${fn}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

describe("local host: Core Tools' Event Grid webhook", () => {
  it("listens on 127.0.0.1 only", () => {
    expect((server.address() as AddressInfo).address).toBe("127.0.0.1");
  });

  it("runs the real triggerPipelines handler and answers 202; the job lands in the dry-run folder", async () => {
    const response = await post(
      FUNCTION_NAMES.triggerPipelines,
      JSON.stringify(sampleEvent("model-registered.eventgrid.json")),
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      invocations: { eventId: string; logs: { level: string; message: string }[] }[];
    };
    expect(body.invocations[0]?.eventId).toBe("5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11");
    expect(body.invocations[0]?.logs[0]?.message).toMatch(
      /^submitted job validate-registered-model-/,
    );
    expect(dryRunJobFiles(dryRunDir)).toHaveLength(1);
  });

  it("dispatches every event of a batch, either schema, application/cloudevents+json too", async () => {
    seen.length = 0;
    const batch = [
      sampleEvent("model-registered.cloudevent.json"),
      sampleEvent("run-status-changed.eventgrid.json"),
    ];
    const response = await post("recorder", JSON.stringify(batch), {
      "aeg-event-type": "Notification",
      "content-type": "application/cloudevents-batch+json",
    });
    expect(response.status).toBe(202);
    expect(seen).toEqual(batch);
  });

  it("answers 500 with the error when any invocation throws, after running them all", async () => {
    const response = await post(
      "failsOnB",
      JSON.stringify([{ id: "a" }, { id: "b" }, { id: "c" }]),
    );
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("boom on b");
  });

  it("answers the subscription validation handshake, Event Grid and CloudEvents forms", async () => {
    const eventGrid = await post(
      "recorder",
      JSON.stringify([
        {
          id: "v",
          eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
          data: { validationCode: "abc-123" },
        },
      ]),
      { "aeg-event-type": "SubscriptionValidation" },
    );
    expect(eventGrid.status).toBe(200);
    expect(await eventGrid.json()).toEqual({ validationResponse: "abc-123" });
    const cloud = await post(
      "recorder",
      JSON.stringify({
        specversion: "1.0",
        id: "v",
        data: JSON.stringify({ validationCode: "xyz" }),
      }),
      { "aeg-event-type": "subscriptionvalidation" },
    );
    expect(await cloud.json()).toEqual({ validationResponse: "xyz" });
  });

  it("answers the CloudEvents abuse-protection OPTIONS with WebHook-Allowed-Origin", async () => {
    const response = await fetch(`${base}?functionName=recorder`, {
      method: "OPTIONS",
      headers: { "WebHook-Request-Origin": "eventgrid.azure.net" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("webhook-allowed-origin")).toBe("eventgrid.azure.net");
  });

  it.each([
    ["a missing aeg-event-type", "recorder", "{}", {}, 400, /aeg-event-type must be/],
    [
      "an unknown aeg-event-type",
      "recorder",
      "{}",
      { "aeg-event-type": "Gossip" },
      400,
      /aeg-event-type must be/,
    ],
    [
      "an unknown function",
      "nope",
      "{}",
      { "aeg-event-type": "Notification" },
      404,
      /cannot find function: 'nope'/,
    ],
    [
      "a body that is not JSON",
      "recorder",
      "{oops",
      { "aeg-event-type": "Notification" },
      400,
      /not JSON/,
    ],
    [
      "a JSON scalar",
      "recorder",
      "42",
      { "aeg-event-type": "Notification" },
      400,
      /object or array/,
    ],
  ])("answers %s with its status", async (_label, fn, body, headers, status, message) => {
    const response = await post(fn, body, headers);
    expect(response.status).toBe(status);
    expect(await response.text()).toMatch(message);
  });

  it("accepts Unsubscribe with 202, as the Functions extension does", async () => {
    expect((await post("recorder", "{}", { "aeg-event-type": "Unsubscribe" })).status).toBe(202);
  });

  it("refuses a Host that does not name the loopback (DNS rebinding) with 421, before running anything", async () => {
    seen.length = 0;
    const port = (server.address() as AddressInfo).port;
    const rebound = await postWithHost(`attacker.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(rebound.text).toMatch(/Host "attacker\.example:\d+" is not this local host/);
    expect(seen).toEqual([]);
    expect((await postWithHost(`localhost:${port}`)).status).toBe(202);
    expect((await postWithHost(`[::1]:${port}`)).status).toBe(202);
  });

  it("refuses a POST that is not JSON (text/plain skips a browser's preflight) with 415", async () => {
    seen.length = 0;
    const response = await post("recorder", JSON.stringify({ id: "p" }), {
      "aeg-event-type": "Notification",
      "content-type": "text/plain",
    });
    expect(response.status).toBe(415);
    expect(await response.text()).toMatch(/content-type "text\/plain" is not accepted/);
    expect(seen).toEqual([]);
  });
});

/** A POST with a Host header of our choosing (fetch sets its own). */
function postWithHost(host: string): Promise<{ status: number; text: string }> {
  const url = new URL(`${base}?functionName=recorder`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { host, "content-type": "application/json", "aeg-event-type": "Notification" },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.once("error", reject);
    req.end(JSON.stringify({ id: "h" }));
  });
}
