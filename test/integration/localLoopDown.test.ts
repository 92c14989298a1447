import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { holdInstanceLock } from "../../scripts/localHost/instanceLock";
import { SETTING_NAMES } from "../../shared/constants";
import { runScript } from "../support/runScript";

/** Ports nothing listens on now: each was taken by a server (all at once, so they differ), then freed. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listening(createServer())));
  const ports = servers.map(portOf);
  await Promise.all(servers.map(closed));
  return ports;
}

const listening = (server: Server) =>
  new Promise<Server>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve(server);
    });
  });
const portOf = (server: Server) => (server.address() as AddressInfo).port;
const closed = (server: Server) =>
  new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );

const notRunning = (port: number) =>
  `Azurite is not running on 127.0.0.1:${port} (it runs with amlwf start); start it, or point AzureWebJobsStorage elsewhere\n`;

describe("status and replay with npm start stopped (local Azurite not answering)", () => {
  let blob = 0;
  let env: Record<string, string> = {};

  beforeAll(async () => {
    const [b, queue, table] = await freePorts(3);
    blob = b!;
    // The shorthand local.settings.json has, pointed at ports where nothing listens.
    env = {
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      AZURITE_BLOB_PORT: String(blob),
      AZURITE_QUEUE_PORT: String(queue),
      AZURITE_TABLE_PORT: String(table),
      AZURITE_DATA_DIR: mkdtempSync(join(tmpdir(), "down-azurite-")),
      [SETTING_NAMES.dryRunDir]: mkdtempSync(join(tmpdir(), "down-dry-")),
    };
  });

  it.each([
    ["status", "status.ts", []],
    ["replay --from rejected", "replay.ts", ["--from", "rejected"]],
    ["replay --from deadletter", "replay.ts", ["--from", "deadletter"]],
  ])("%s says Azurite is not running on its port and exits 1", async (_name, script, args) => {
    const { status, stderr } = await runScript(script, args, env);
    expect(stderr).toMatch(new RegExp(`(^|\\n)${notRunning(blob).replace(/[().]/g, "\\$&")}$`));
    expect(stderr).not.toMatch(/ECONNREFUSED/);
    expect(status).toBe(1);
  });

  it("with no storage setting, status reads the local folders and needs no Azurite", async () => {
    const { status, stdout } = await runScript("status.ts", [], {
      ...env,
      AzureWebJobsStorage: "",
      [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "down-rejected-")),
    });
    expect(stdout).toMatch(/^status: nothing matches — looked at 0 job\(s\) in dry-run folder /m);
    expect(status).toBe(0);
  });
});

describe("send-event finds the running host from its instance lock", () => {
  let host: Server;
  const received: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "send-lock-azurite-"));
  // PORT empty: neither the environment nor a developer's local.settings.json names the port.
  const env = {
    AZURITE_DATA_DIR: dataDir,
    PORT: "",
    [SETTING_NAMES.dryRunDir]: mkdtempSync(join(tmpdir(), "send-lock-dry-")),
    [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "send-lock-rejected-")),
  };

  beforeAll(async () => {
    // A stand-in for the host `npm start -- --port N` runs, on a free port.
    host = await listening(
      createServer((request, response) => {
        received.push(request.url ?? "");
        request.resume();
        request.on("end", () => {
          response.writeHead(202).end();
        });
      }),
    );
  });
  afterAll(() => closed(host));

  it("sends to the port the lock names when neither --port, --url nor PORT is given", async () => {
    // The lock as npm start writes it; this test process stands for npm start's (living) pid.
    const release = holdInstanceLock(dataDir, { pid: process.pid, webhookPort: portOf(host) });
    try {
      const { status, stdout } = await runScript("sendEvent.ts", ["--model", "churn:3"], env);
      expect(stdout).toMatch(
        new RegExp(`models/churn:3 → 127\\.0\\.0\\.1:${portOf(host)} triggerPipelines 202`),
      );
      expect(status).toBe(0);
      expect(received).toEqual(["/runtime/webhooks/eventgrid?functionName=triggerPipelines"]);
    } finally {
      release();
    }
  });

  it("says no local host answers, once, when the port it found refuses, and exits 1", async () => {
    const [port] = await freePorts(1);
    const release = holdInstanceLock(dataDir, { pid: process.pid, webhookPort: port! });
    try {
      const { status, stdout, stderr } = await runScript(
        "sendEvent.ts",
        ["--model", "churn:3", "--model", "churn:4"],
        env,
      );
      expect(stderr).toBe(
        `no local host answers on 127.0.0.1:${port}: start it with amlwf start (or pass --port) — 2 events not sent\n`,
      );
      expect(stdout).toBe("");
      expect(status).toBe(1);
    } finally {
      release();
    }
  });

  it("--port where nothing listens says the same, naming that port", async () => {
    const [port] = await freePorts(1);
    const { status, stderr } = await runScript(
      "sendEvent.ts",
      ["--port", String(port), "--model", "churn:3"],
      env,
    );
    expect(stderr).toBe(
      `no local host answers on 127.0.0.1:${port}: start it with amlwf start (or pass --port)\n`,
    );
    expect(status).toBe(1);
  });
});
