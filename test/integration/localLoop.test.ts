import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runScript, startScript, waitForOutput } from "../support/runScript";
import { REPO_ROOT } from "../support/samples";

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      resolve(false);
    });
  });

describe("npm start + send-event (the local loop)", () => {
  const dryRunDir = mkdtempSync(join(tmpdir(), "loop-"));
  const settingsFile = join(REPO_ROOT, "local.settings.json");
  const hadSettings = existsSync(settingsFile);
  const env = {
    PORT: "0",
    AZURITE_BLOB_PORT: "0",
    AZURITE_QUEUE_PORT: "0",
    AZURITE_TABLE_PORT: "0",
    AML_WORKSPACE_ID: "",
    DRY_RUN_DIR: dryRunDir,
    ARM_ENDPOINT: "",
    SUBMIT_BUDGET_MS: "",
  };
  const host = startScript("start.ts", ["--local-host"], env);
  let banner = "";
  let port = 0;

  beforeAll(async () => {
    banner = await waitForOutput(host, /ready — Ctrl-C stops everything/);
    port = Number(
      /webhook: http:\/\/127\.0\.0\.1:(\d+)\/runtime\/webhooks\/eventgrid\?functionName=triggerPipelines/.exec(
        banner,
      )?.[1],
    );
  }, 60_000);
  afterAll(() => {
    if (host.exitCode === null) host.kill("SIGKILL");
    if (!hadSettings) rmSync(settingsFile, { force: true });
  });

  it("prints the host, the webhook URL and dry-run mode", () => {
    expect(banner).toMatch(/mode: dry run \(no AML_WORKSPACE_ID\)/);
    expect(banner).toMatch(/host: local .*127\.0\.0\.1 only/);
    expect(banner).toMatch(/azurite: blob 127\.0\.0\.1:\d+/);
    expect(port).toBeGreaterThan(0);
  });

  it("send-event delivers each sample and prints where it went, the status and the outcome", async () => {
    const samples = [
      "model-registered.eventgrid.json",
      "model-registered.pascal.eventgrid.json",
      "model-registered.cloudevent.json",
      "run-status-changed.eventgrid.json",
      "malformed.eventgrid.json",
    ];
    const { status, stdout } = await runScript("sendEvent.ts", [
      "--port",
      String(port),
      ...samples.map((s) => join(REPO_ROOT, "samples", "events", s)),
    ]);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      new RegExp(
        `^5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11 models/credit-risk:3 → 127\\.0\\.0\\.1:${port} triggerPipelines 202 submitted job validate-registered-model-`,
      ),
    );
    expect(lines[1]).toMatch(/202 submitted job/);
    expect(lines[2]).toMatch(/202 submitted job/);
    expect(lines[3]).toMatch(/202 ignored event .*no workflow listens for RunStatusChanged/);
    expect(lines[4]).toMatch(/202 rejected event bad-0001: malformed event: .*no model name/);
    expect(status).toBe(0);
    expect(readdirSync(dryRunDir)).toHaveLength(3);
  });

  it("send-event builds ModelRegistered events from flags; --tag applies to every --model", async () => {
    const tagged = await runScript("sendEvent.ts", [
      "--port",
      String(port),
      "--model",
      "credit-risk:9",
      "--model",
      "fraud:2",
      "--tag",
      "stage=candidate",
      "--cloudevents",
    ]);
    const lines = tagged.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/models\/credit-risk:9 → .* 202 submitted job/);
    expect(lines[1]).toMatch(/models\/fraud:2 → .* 202 submitted job/);
    const untagged = await runScript("sendEvent.ts", [
      "--port",
      String(port),
      "--model",
      "other:1",
    ]);
    expect(untagged.stdout).toMatch(
      /models\/other:1 → .* 202 ignored event .*no workflow's conditions hold — validate-registered-model: tag stage is missing/,
    );
  });

  it("Ctrl-C stops the host and Azurite; nothing is left listening", async () => {
    const blobPort = Number(/azurite: blob 127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
    expect(await portOpen(blobPort)).toBe(true);
    const exited = new Promise<number | null>((resolve) =>
      host.once("exit", (code) => {
        resolve(code);
      }),
    );
    host.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(await portOpen(port)).toBe(false);
    expect(await portOpen(blobPort)).toBe(false);
  }, 30_000);
});

describe("send-event --endpoint (publishing to an Event Grid topic)", () => {
  const received: { path: string; key: string | undefined; body: unknown }[] = [];
  const server = createServer(
    {
      key: readFileSync(process.env.TEST_TLS_KEY ?? ""),
      cert: readFileSync(process.env.TEST_TLS_CERT ?? ""),
    },
    (req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          key: req.headers["aeg-sas-key"] as string | undefined,
          body: JSON.parse(text),
        });
        res.writeHead(200).end();
      });
    },
  );
  let endpoint = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );

  it("publishes with the EventGridPublisherClient and a key, to a domain topic", async () => {
    const { status, stdout } = await runScript("sendEvent.ts", [
      "--endpoint",
      endpoint,
      "--key",
      "test-key",
      "--domain-topic",
      "ml-events",
      "--model",
      "credit-risk:3",
      "--tag",
      "stage=candidate",
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /models\/credit-risk:3 → https:\/\/127\.0\.0\.1:\d+\/api\/events 200 published/,
    );
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toMatch(/^\/api\/events\?api-version=/);
    expect(received[0]?.key).toBe("test-key");
    expect(received[0]?.body).toMatchObject([
      {
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        subject: "models/credit-risk:3",
        topic: "ml-events",
        dataVersion: "2",
        data: { modelName: "credit-risk", modelVersion: "3", modelTags: { stage: "candidate" } },
      },
    ]);
  });
});
