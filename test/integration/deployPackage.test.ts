import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { runScript } from "../support/runScript";

const APP_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Web/sites/my-func-app";
const STORAGE_403 =
  "Failed to upload because Azure Storage responded with Forbidden: This request is not authorized to perform this operation using this permission. (403)";

type Answer = { status: number; body?: string };
/** A deployment's states as Kudu reports them, one per poll; the last repeats. */
type Script = { status: number; status_text?: string }[];

/** One HTTPS stand-in for ARM (the site, trigger sync, the function list) and Kudu (OneDeploy, deployments). */
let server: Server;
let base = "";
let identity: IdentityEndpoint;
let calls: string[] = [];
let published: {
  auth: string | undefined;
  type: string | undefined;
  bytes: Buffer;
  query: string;
}[] = [];
let publishAnswers: Answer[] = [];
let deploymentScripts: Script[] = [];
let syncAnswers: Answer[] = [];
let listedBeforeDeploy = false;
let keysBeforeReady = 0;
const SECRET_KEY = "host-key-that-must-never-be-printed";
let succeeded = 0;
let deployments: { id: string; script: Script; polls: number }[] = [];

beforeAll(async () => {
  identity = await startIdentityEndpoint();
  server = createServer(
    {
      key: readFileSync(process.env.TEST_TLS_KEY ?? ""),
      cert: readFileSync(process.env.TEST_TLS_CERT ?? ""),
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "https://x");
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
          res
            .writeHead(status, { "content-type": "application/json", ...headers })
            .end(JSON.stringify(body));
        if (req.method === "GET" && url.pathname === APP_ID) {
          calls.push("site");
          json(200, {
            id: APP_ID,
            properties: {
              hostNameSslStates: [
                { name: "my-func-app.azurewebsites.net", hostType: "Standard" },
                { name: req.headers.host ?? "", hostType: "Repository" },
              ],
            },
          });
          return;
        }
        if (req.method === "POST" && url.pathname === "/api/publish") {
          calls.push("publish");
          published.push({
            auth: req.headers.authorization,
            type: req.headers["content-type"],
            bytes: Buffer.concat(chunks),
            query: url.search,
          });
          const scripted = publishAnswers.shift();
          if (scripted) {
            res.writeHead(scripted.status).end(scripted.body ?? "");
            return;
          }
          const id = `dep-${deployments.length + 1}`;
          deployments.push({ id, script: deploymentScripts.shift() ?? [{ status: 4 }], polls: 0 });
          res.writeHead(202, { location: `${base}/api/deployments/${id}` }).end();
          return;
        }
        const deployment = /^\/api\/deployments\/([\w-]+)$/.exec(url.pathname);
        if (req.method === "GET" && deployment) {
          const found = deployments.find((d) => d.id === deployment[1]);
          if (!found) {
            json(404, { message: "not found" });
            return;
          }
          calls.push(`poll ${found.id}`);
          const state = found.script[Math.min(found.polls, found.script.length - 1)]!;
          found.polls += 1;
          if (state.status === 4) succeeded += 1;
          json(200, { id: found.id, complete: state.status >= 3, ...state });
          return;
        }
        if (req.method === "POST" && url.pathname === `${APP_ID}/host/default/sync`) {
          calls.push("sync");
          const scripted = syncAnswers.shift() ?? { status: 204 };
          res.writeHead(scripted.status).end(scripted.body ?? "");
          return;
        }
        if (req.method === "GET" && url.pathname === `${APP_ID}/functions/triggerPipelines`) {
          calls.push("function");
          const listed = listedBeforeDeploy || (succeeded > 0 && calls.includes("sync"));
          if (listed) json(200, { id: url.pathname });
          else json(404, { error: { code: "NotFound" } });
          return;
        }
        if (req.method === "POST" && url.pathname === `${APP_ID}/host/default/listkeys`) {
          calls.push("keys");
          // The host creates the Event Grid extension's key some time after the function is listed.
          const ready = keysBeforeReady-- <= 0;
          json(200, {
            masterKey: SECRET_KEY,
            functionKeys: { default: SECRET_KEY },
            systemKeys: ready ? { eventgrid_extension: SECRET_KEY } : {},
          });
          return;
        }
        res.writeHead(400).end(`unexpected ${req.method ?? ""} ${url.pathname}`);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await identity.close();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});
beforeEach(() => {
  calls = [];
  published = [];
  publishAnswers = [];
  deploymentScripts = [];
  syncAnswers = [];
  listedBeforeDeploy = false;
  keysBeforeReady = 0;
  succeeded = 0;
  deployments = [];
});

const zip = join(mkdtempSync(join(tmpdir(), "pkg-")), "app.zip");
writeFileSync(zip, Buffer.from("PK\u0003\u0004 not really a zip, but bytes to carry"));

const deploy = (extra: string[] = []) =>
  runScript(
    "deployPackage.ts",
    [
      "--app-id",
      APP_ID,
      "--zip",
      zip,
      "--arm-endpoint",
      base,
      "--poll-seconds",
      "0.02",
      "--timeout-seconds",
      "5",
      ...extra,
    ],
    {
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
      AZURE_CLIENT_ID: undefined,
      AZURE_TENANT_ID: undefined,
      AZURE_CLIENT_SECRET: undefined,
    },
  );

describe("deploy-package (OneDeploy to Flex, followed to the end)", () => {
  it("reads the SCM host from ARM, publishes as az does, follows the deployment, syncs, then waits for the function", async () => {
    deploymentScripts = [[{ status: 1 }, { status: 1 }, { status: 4 }]];
    const { status, stdout, stderr } = await deploy();
    expect(stderr).toMatch(/published \d+ bytes/);
    expect(status).toBe(0);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      auth: `Bearer ${identity.token}`,
      type: "application/zip",
      query: "?RemoteBuild=false&Deployer=aml-event-workflows",
    });
    expect(published[0]?.bytes.equals(readFileSync(zip))).toBe(true);
    expect(calls).toEqual([
      "site",
      "publish",
      "poll dep-1",
      "poll dep-1",
      "poll dep-1",
      "sync",
      "function",
      "keys",
    ]);
    expect(JSON.parse(stdout.trim())).toEqual({
      functionResourceId: `${APP_ID}/functions/triggerPipelines`,
      packageBytes: readFileSync(zip).length,
    });
  });

  it("waits for the host's eventgrid_extension key before the subscriptions are made, and never prints a key", async () => {
    deploymentScripts = [[{ status: 4 }]];
    keysBeforeReady = 3;
    const { status, stdout, stderr } = await deploy();
    expect(status).toBe(0);
    expect(calls.filter((c) => c === "keys")).toHaveLength(4);
    expect(calls.at(-1)).toBe("keys");
    expect(stderr).toMatch(/eventgrid_extension key exists/);
    expect(`${stdout}${stderr}`).not.toContain(SECRET_KEY);
  });

  it("publishes again when the deployment failed with a storage 403 while the app's role propagates", async () => {
    deploymentScripts = [[{ status: 1 }, { status: 3, status_text: STORAGE_403 }], [{ status: 4 }]];
    const { status, stderr } = await deploy();
    expect(stderr).toMatch(/storage 403 .*publishing again/);
    expect(status).toBe(0);
    expect(calls.filter((c) => c === "publish")).toHaveLength(2);
    expect(calls.slice(-3)).toEqual(["sync", "function", "keys"]);
  });

  it("gives up on a storage 403 after the role wait, naming the failure", async () => {
    deploymentScripts = [[{ status: 3, status_text: STORAGE_403 }]];
    const { status, stderr } = await deploy(["--role-wait-seconds", "0"]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/deployment dep-1 failed: Failed to upload because Azure Storage/);
    expect(calls).not.toContain("sync");
  });

  it("retries a 409 (a deployment in progress) and the host's 400s while it starts", async () => {
    publishAnswers = [{ status: 409, body: "There is a deployment currently in progress" }];
    syncAnswers = [
      { status: 400, body: "Encountered an error (ServiceUnavailable) from host runtime." },
      { status: 400, body: "Encountered an error (ServiceUnavailable) from host runtime." },
    ];
    const { status } = await deploy();
    expect(status).toBe(0);
    expect(calls.filter((c) => c === "publish")).toHaveLength(2);
    expect(calls.filter((c) => c === "sync")).toHaveLength(3);
  });

  it("on a redeploy waits for the new package, not the function the old one already lists", async () => {
    listedBeforeDeploy = true;
    deploymentScripts = [[{ status: 1 }, { status: 2 }, { status: 2 }, { status: 4 }]];
    const { status } = await deploy();
    expect(status).toBe(0);
    expect(calls.indexOf("function")).toBeGreaterThan(calls.lastIndexOf("poll dep-1"));
    expect(calls.filter((c) => c === "poll dep-1")).toHaveLength(4);
  });

  it("fails at the overall timeout when the deployment never ends", async () => {
    deploymentScripts = [[{ status: 1 }]];
    const { status, stderr } = await deploy(["--timeout-seconds", "1"]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/deployment dep-1 did not finish within 1 s/);
  }, 20_000);

  it("fails loudly when OneDeploy refuses the package", async () => {
    publishAnswers = [{ status: 403, body: "denied" }];
    const { status, stderr } = await deploy(["--scm-url", base]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/OneDeploy to https:\/\/127\.0\.0\.1:\d+ answered 403: denied/);
    expect(calls).toEqual(["publish"]);
  });
});
