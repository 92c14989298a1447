import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A local App Service managed-identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER). */
export interface IdentityEndpoint {
  url: string;
  header: string;
  token: string;
  requests: { resource: string | null; apiVersion: string | null; headerOk: boolean }[];
  /** "ok" hands out the token; "echo-error" fails with a body that echoes the request's identity header; "silent" never answers. */
  mode: "ok" | "echo-error" | "silent";
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1; it hands out one fixed token for any resource. */
export async function startIdentityEndpoint(): Promise<IdentityEndpoint> {
  const header = `identity-header-${Math.random().toString(36).slice(2)}`;
  const token = `test-access-token-${Math.random().toString(36).slice(2)}`;
  const requests: IdentityEndpoint["requests"] = [];
  const state = { mode: "ok" as IdentityEndpoint["mode"] };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry = {
      resource: url.searchParams.get("resource"),
      apiVersion: url.searchParams.get("api-version"),
      headerOk: req.headers["x-identity-header"] === header,
    };
    requests.push(entry);
    if (state.mode === "silent") return; // the request hangs: a stalled identity endpoint
    if (state.mode === "echo-error") {
      res.writeHead(400, { "content-type": "application/json" }).end(
        JSON.stringify({
          error: "invalid_request",
          error_description: `request rejected; received X-IDENTITY-HEADER ${String(req.headers["x-identity-header"])}`,
        }),
      );
      return;
    }
    if (!entry.headerOk) {
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "bad identity header" }));
      return;
    }
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        access_token: token,
        expires_on: String(expiresOn),
        resource: entry.resource,
        token_type: "Bearer",
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/msi/token`,
    header,
    token,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
