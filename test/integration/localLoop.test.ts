import type { ChildProcessWithoutNullStreams } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runScript, startScript, waitForOutput } from "../support/runScript";
import { EXAMPLE_WORKFLOWS, REPO_ROOT } from "../support/samples";

/** Ports nothing listens on now (each held open until all are found, so they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createNetServer>>((resolve) => {
          const server = createNetServer();
          server.listen(0, "127.0.0.1", () => {
            resolve(server);
          });
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(
    servers.map(
      (server) =>
        new Promise((resolve) =>
          server.close(() => {
            resolve(undefined);
          }),
        ),
    ),
  );
  return ports;
}

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
  // A project of its own (what the commands' cwd makes it): its local.settings.json, .local/compiled
  // and the host's log stay out of the repository and out of the developer's way.
  const project = mkdtempSync(join(tmpdir(), "loop-project-"));
  writeFileSync(join(project, "package.json"), '{ "name": "loop-project", "private": true }\n');
  const run = (script: string, args: string[], withEnv: Record<string, string | undefined> = {}) =>
    runScript(script, args, withEnv, project);
  // A copy of the example, so the reload tests can edit it.
  const workflowsDir = mkdtempSync(join(tmpdir(), "loop-workflows-"));
  cpSync(dirname(EXAMPLE_WORKFLOWS), workflowsDir, { recursive: true });
  const workflowsFile = join(workflowsDir, "workflows.yaml");
  const original = readFileSync(workflowsFile, "utf8");
  // Azurite on free ports and a data folder of its own, so this runs beside the user's own
  // `npm start` (which holds 10000-10002 and .local/azurite); the storage setting is the shorthand
  // local.settings.json has, which every command points at AZURITE_*_PORT.
  const azuriteData = mkdtempSync(join(tmpdir(), "loop-azurite-"));
  const env: Record<string, string | undefined> = {
    PORT: "0",
    AZURITE_DATA_DIR: azuriteData,
    AML_WORKSPACE_ID: "",
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    DRY_RUN_DIR: dryRunDir,
    WORKFLOWS_FILE: workflowsFile,
    ARM_ENDPOINT: "",
    SUBMIT_BUDGET_MS: "",
  };
  let host: ChildProcessWithoutNullStreams;
  let output = "";
  const printed = async (pattern: RegExp) => {
    for (let i = 0; i < 100 && !pattern.test(output); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    return output;
  };
  let banner = "";
  let port = 0;

  beforeAll(async () => {
    const [blob, queue, table] = await freePorts(3);
    Object.assign(env, {
      AZURITE_BLOB_PORT: String(blob),
      AZURITE_QUEUE_PORT: String(queue),
      AZURITE_TABLE_PORT: String(table),
    });
    host = startScript("start.ts", ["--local-host"], env, project);
    host.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    banner = await waitForOutput(host, /ready — Ctrl-C stops everything/);
    port = Number(
      /webhook: http:\/\/127\.0\.0\.1:(\d+)\/runtime\/webhooks\/eventgrid\?functionName=triggerPipelines/.exec(
        banner,
      )?.[1],
    );
  }, 60_000);
  afterAll(async () => {
    // Ctrl-C, so npm start stops its Azurite too (a SIGKILL would leave Azurite holding port 10000).
    if (host.exitCode === null) {
      const exited = new Promise<boolean>((resolve) =>
        host.once("exit", () => {
          resolve(true);
        }),
      );
      host.kill("SIGINT");
      const stopped = await Promise.race([
        exited,
        new Promise<boolean>((resolve) =>
          setTimeout(() => {
            resolve(false);
          }, 10_000),
        ),
      ]);
      if (!stopped) host.kill("SIGKILL");
    }
    rmSync(workflowsDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }, 20_000);

  it("prints the host, the webhook URL and dry-run mode", () => {
    expect(banner).toMatch(/mode: dry run \(no AML_WORKSPACE_ID\)/);
    expect(banner).toMatch(/host: local .*127\.0\.0\.1 only/);
    expect(banner).toMatch(/azurite: blob 127\.0\.0\.1:\d+/);
    expect(port).toBeGreaterThan(0);
  });

  it("keeps its settings and state in the project it runs in, not in the tool's folder", () => {
    const settings = JSON.parse(readFileSync(join(project, "local.settings.json"), "utf8")) as {
      Values: Record<string, string>;
    };
    expect(settings.Values.WORKFLOWS_FILE).toBe("workflows/workflows.yaml");
    expect(existsSync(join(project, ".local", "compiled", "workflows.compiled.json"))).toBe(true);
    expect(banner).toContain(`its log: ${join(".local", "logs", "host.log")}`);
  });

  it("send-event delivers each sample and prints where it went, the status and the outcome", async () => {
    const samples = [
      "model-registered.eventgrid.json",
      "model-registered.pascal.eventgrid.json",
      "model-registered.cloudevent.json",
      "run-status-changed.eventgrid.json",
      "malformed.eventgrid.json",
    ];
    const { status, stdout } = await run("sendEvent.ts", [
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
    // Three jobs, and the dry run's model versions: what the samples registered.
    expect(readdirSync(dryRunDir).filter((f) => f.endsWith(".json"))).toHaveLength(3);
    expect(readdirSync(join(dryRunDir, "model-tags")).sort()).toEqual(
      expect.arrayContaining(["credit-risk-3.json"]),
    );
  });

  it("send-event builds ModelRegistered events from flags; --tag applies to every --model", async () => {
    const tagged = await run("sendEvent.ts", [
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
    const untagged = await run("sendEvent.ts", ["--port", String(port), "--model", "other:1"]);
    expect(untagged.stdout).toMatch(
      /models\/other:1 → .* 202 ignored event .*no workflow's conditions hold — validate-registered-model: tag stage is missing/,
    );
  });

  it("send-event --completed / --failed deliver the events a workspace sends when that job ends", async () => {
    const started = await run("sendEvent.ts", [
      "--port",
      String(port),
      "--model",
      "churn:3",
      "--tag",
      "stage=candidate",
    ]);
    const job = /submitted job (\S+)/.exec(started.stdout)?.[1] ?? "";
    expect(job).toMatch(/^validate-registered-model-/);
    const ended = await run(
      "sendEvent.ts",
      ["--port", String(port), "--completed", job, "--failed", job],
      { DRY_RUN_DIR: dryRunDir, AML_WORKSPACE_ID: "" },
    );
    const lines = ended.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      new RegExp(`experiments/[0-9a-f-]+/runs/${job} → .* 202 ignored event .*RunCompleted`),
    );
    expect(lines[1]).toMatch(/202 ignored event .*RunStatusChanged/);
    expect(ended.status).toBe(0);
    const missing = await run("sendEvent.ts", ["--port", String(port), "--completed", "nope"], {
      DRY_RUN_DIR: dryRunDir,
      AML_WORKSPACE_ID: "",
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no dry-run job nope in /);
  });

  it("--new-id resends a sample as a new event instead of a redelivery", async () => {
    const sample = join(REPO_ROOT, "samples", "events", "model-registered.eventgrid.json");
    const again = await run("sendEvent.ts", ["--port", String(port), sample]);
    expect(again.stdout).toMatch(/202 duplicate job/);
    const fresh = await run("sendEvent.ts", ["--port", String(port), "--new-id", sample]);
    expect(fresh.stdout).toMatch(/202 submitted job validate-registered-model-/);
    expect(fresh.stdout).not.toMatch(/^5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11 /);
  });

  it("a rejection npm start records in Azurite is found by replay with the same settings", async () => {
    const sample = join(REPO_ROOT, "samples", "events", "malformed.eventgrid.json");
    await run("sendEvent.ts", ["--port", String(port), sample]);
    const replay = await run("replay.ts", ["--from", "rejected", "--dry-run"], {
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      AZURITE_BLOB_PORT: env.AZURITE_BLOB_PORT,
      DRY_RUN_DIR: dryRunDir,
      WORKFLOWS_FILE: workflowsFile,
    });
    expect(replay.stderr).toMatch(
      new RegExp(
        `replaying from .*127\\.0\\.0\\.1:${env.AZURITE_BLOB_PORT ?? "?"}.*rejected-events`,
      ),
    );
    expect(replay.stdout).toMatch(/bad-0001.*: rejected event bad-0001: malformed event/);
    expect(replay.stdout).toMatch(/replay \(dry run\): read=1 .*rejected=1 .*kept=1/);
    // It would be rejected again: non-zero, as plan and a real replay say it.
    expect(replay.status).toBe(1);
  });

  it("picks up a valid edit to the workflows without a restart, and keeps running on an invalid one", async () => {
    writeFileSync(
      workflowsFile,
      original.replace("name: validate-registered-model", "name: Bad_Name"),
    );
    expect(await printed(/kept the running workflows/)).toMatch(
      /workflows\.yaml:5:5 workflows\[0\]\.name: must be 1-63 lowercase[\s\S]*kept the running workflows/,
    );
    const still = await run("sendEvent.ts", [
      "--port",
      String(port),
      "--model",
      "a:1",
      "--tag",
      "stage=candidate",
    ]);
    expect(still.stdout).toMatch(/202 submitted job validate-registered-model-/);

    writeFileSync(
      workflowsFile,
      `${original}  - name: audit-every-model\n    on: ModelRegistered\n    pipeline: pipelines/validate-model.yml\n`,
    );
    expect(await printed(/reloaded .*2 workflows/)).toMatch(
      /reloaded .*workflows\.yaml: 2 workflows \(validate-registered-model, audit-every-model\)/,
    );
    const both = await run("sendEvent.ts", ["--port", String(port), "--model", "b:1"]);
    expect(both.stdout).toMatch(/202 submitted job audit-every-model-/);
  });

  it("a two-step chain on a laptop: the completion of validation starts promotion and tags the model; status shows both", async () => {
    writeFileSync(
      join(workflowsDir, "pipelines", "promote-model.yml"),
      'type: pipeline\nsettings: { default_compute: azureml:cpu-cluster }\ninputs:\n  report: { type: uri_folder }\n  validated_by: { type: string }\njobs:\n  promote:\n    component: azureml:promote_model:1\n    inputs: { report: "${{parent.inputs.report}}", validated_by: "${{parent.inputs.validated_by}}" }\n',
    );
    writeFileSync(
      workflowsFile,
      `${original}    report: model-tags\n  - name: promote-validated-model\n    on: { workflow: validate-registered-model, status: Completed }\n    pipeline: pipelines/promote-model.yml\n    inputs:\n      report: { type: uri_folder, path: "{{ upstream.outputs.report }}" }\n      validated_by: "{{ upstream.job }}"\n`,
    );
    await printed(/reloaded .*promote-validated-model/);
    const registered = await run("sendEvent.ts", [
      "--port",
      String(port),
      "--model",
      "churn:5",
      "--tag",
      "stage=candidate",
    ]);
    const job = /submitted job (\S+)/.exec(registered.stdout)?.[1] ?? "";
    const completed = await run("sendEvent.ts", ["--port", String(port), "--completed", job], {
      DRY_RUN_DIR: dryRunDir,
      AML_WORKSPACE_ID: "",
    });
    expect(completed.stdout).toMatch(/202 submitted job promote-validated-model-/);
    expect(completed.stdout).toMatch(
      /tagged model churn:5 with validate-registered-model\.status=Completed/,
    );
    expect(readdirSync(join(dryRunDir, "model-tags"))).toContain("churn-5.json");
    const status = await run("status.ts", ["--model", "churn:5"], {
      DRY_RUN_DIR: dryRunDir,
      WORKFLOWS_FILE: workflowsFile,
      AML_WORKSPACE_ID: "",
    });
    expect(status.stdout).toMatch(
      /validate-registered-model-[0-9a-f]{24} — workflow validate-registered-model/,
    );
    expect(status.stdout).toMatch(
      /promote-validated-model-[0-9a-f]{24} — workflow promote-validated-model/,
    );
  });

  it("refuses a second npm start, and clear-local, while one runs", async () => {
    const second = await run("start.ts", ["--local-host"], env);
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(
      /amlwf start is already running on .*loop-azurite-.* \(pid \d+, webhook on port \d+\)/,
    );
    const clear = await run("clearLocal.ts", [], env);
    expect(clear.status).toBe(2);
    expect(clear.stderr).toMatch(/amlwf start is running/);
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

  it("clear-local then removes the dry-run requests, Azurite's data and the host's log", async () => {
    const logs = join(project, ".local", "logs");
    expect(readdirSync(dryRunDir).length).toBeGreaterThan(0);
    expect(readdirSync(azuriteData).length).toBeGreaterThan(0);
    expect(readdirSync(logs)).toContain("host.log");
    const clear = await run("clearLocal.ts", [], env);
    expect(clear.status).toBe(0);
    expect(clear.stdout).toMatch(/clear-local: removed=3/);
    expect(existsSync(dryRunDir)).toBe(false);
    expect(existsSync(azuriteData)).toBe(false);
    expect(existsSync(logs)).toBe(false);
  });

  it("names a port in use and how to pick another", async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const busy = (blocker.address() as AddressInfo).port;
    const result = await run("start.ts", ["--local-host", "--port", String(busy)], env);
    blocker.close();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `port ${busy} \\(the webhook\\) is already in use on 127\\.0\\.0\\.1 .*amlwf start --port`,
      ),
    );
  });
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
