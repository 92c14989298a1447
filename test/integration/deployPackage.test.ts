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

/** One HTTPS stand-in for Kudu's OneDeploy and ARM's functions list. */
let server: Server;
let base = "";
let identity: IdentityEndpoint;
let published: {
  auth: string | undefined;
  type: string | undefined;
  bytes: Buffer;
  query: string;
}[] = [];
let gets = 0;
let publishStatus = 202;
let indexedAfterGets = 2;

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
        if (req.method === "POST" && url.pathname === "/api/publish") {
          published.push({
            auth: req.headers.authorization,
            type: req.headers["content-type"],
            bytes: Buffer.concat(chunks),
            query: url.search,
          });
          res.writeHead(publishStatus).end(publishStatus === 202 ? "" : "denied");
          return;
        }
        if (req.method === "GET" && url.pathname === `${APP_ID}/functions/triggerPipelines`) {
          gets += 1;
          const ready = published.length > 0 && gets > indexedAfterGets;
          res
            .writeHead(ready ? 200 : 404, { "content-type": "application/json" })
            .end(ready ? JSON.stringify({ id: url.pathname }) : '{"error":{"code":"NotFound"}}');
          return;
        }
        res.writeHead(400).end();
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
  published = [];
  gets = 0;
  publishStatus = 202;
  indexedAfterGets = 2;
});

const zip = join(mkdtempSync(join(tmpdir(), "pkg-")), "app.zip");
writeFileSync(zip, Buffer.from("PK\u0003\u0004 not really a zip, but bytes to carry"));

const deploy = () =>
  runScript(
    "deployPackage.ts",
    [
      "--app-id",
      APP_ID,
      "--zip",
      zip,
      "--scm-url",
      base,
      "--arm-endpoint",
      base,
      "--poll-seconds",
      "0.05",
      "--timeout-seconds",
      "5",
    ],
    {
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
      AZURE_CLIENT_ID: undefined,
      AZURE_TENANT_ID: undefined,
      AZURE_CLIENT_SECRET: undefined,
    },
  );

describe("deploy-package (OneDeploy, then wait for the function)", () => {
  it("publishes the zip with an Entra token and waits until ARM lists the function", async () => {
    const { status, stdout, stderr } = await deploy();
    expect(stderr).toMatch(/published \d+ bytes/);
    expect(status).toBe(0);
    expect(published).toHaveLength(1);
    expect(published[0]?.auth).toBe(`Bearer ${identity.token}`);
    expect(published[0]?.type).toBe("application/zip");
    expect(published[0]?.query).toBe("?type=zip&RemoteBuild=false");
    expect(published[0]?.bytes.equals(readFileSync(zip))).toBe(true);
    expect(gets).toBe(3);
    expect(JSON.parse(stdout.trim())).toEqual({
      functionResourceId: `${APP_ID}/functions/triggerPipelines`,
      packageBytes: readFileSync(zip).length,
    });
  });

  it("fails loudly when OneDeploy refuses the package", async () => {
    publishStatus = 403;
    const { status, stderr } = await deploy();
    expect(status).toBe(1);
    expect(stderr).toMatch(/OneDeploy to https:\/\/127\.0\.0\.1:\d+ answered 403: denied/);
    expect(gets).toBe(0);
  });

  it("fails when the function never appears", async () => {
    indexedAfterGets = 1_000_000;
    const { status, stderr } = await deploy();
    expect(status).toBe(1);
    expect(stderr).toMatch(/triggerPipelines was not indexed within 5 s/);
  }, 20_000);
});
