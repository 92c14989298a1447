/**
 * A lean ARM jobs stand-in (HTTPS) and managed-identity endpoint for the benchmark, run as its own
 * process so it does not share the measured event loop. Prints its ports as one JSON line.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";

const stats = { tokenRequests: 0, connections: 0, puts: 0, gets: 0 };
const created = new Set<string>();

function tagsOf(chunks: Buffer[]): unknown {
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      properties?: { tags?: unknown };
    };
    return body.properties?.tags ?? {};
  } catch {
    return {};
  }
}

const arm = createServer(
  {
    key: readFileSync(process.env.BENCH_TLS_KEY ?? ""),
    cert: readFileSync(process.env.BENCH_TLS_CERT ?? ""),
  },
  (req, res) => {
    if (req.url === "/__stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
      return;
    }
    if (req.url === "/__reset") {
      Object.assign(stats, { tokenRequests: 0, connections: 0, puts: 0, gets: 0 });
      res.writeHead(204).end();
      return;
    }
    // ARM answers a job PUT with the job, its tags included: the function checks that its lineage
    // tags are this event's before it counts the job as submitted.
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const name = /\/jobs\/([^/?]+)/.exec(req.url ?? "")?.[1] ?? "";
      if (req.method === "PUT") {
        stats.puts += 1;
        const exists = created.has(name);
        created.add(name);
        res.writeHead(exists ? 409 : 201, { "content-type": "application/json" }).end(
          exists
            ? '{"error":{"code":"UserError","message":"exists"}}'
            : JSON.stringify({
                name,
                properties: { jobType: "Pipeline", status: "NotStarted", tags: tagsOf(chunks) },
              }),
        );
      } else {
        stats.gets += 1;
        res
          .writeHead(404, { "content-type": "application/json" })
          .end('{"error":{"code":"NotFound"}}');
      }
    });
  },
);
arm.on("connection", () => (stats.connections += 1));

const identity = createHttpServer((req, res) => {
  stats.tokenRequests += 1;
  const resource = new URL(req.url ?? "/", "http://x").searchParams.get("resource");
  res.writeHead(200, { "content-type": "application/json" }).end(
    JSON.stringify({
      access_token: "bench-token",
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource,
      token_type: "Bearer",
    }),
  );
});

arm.listen(0, "127.0.0.1", () => {
  identity.listen(0, "127.0.0.1", () => {
    process.stdout.write(
      `${JSON.stringify({ armPort: (arm.address() as AddressInfo).port, identityPort: (identity.address() as AddressInfo).port })}\n`,
    );
  });
});
process.on("SIGTERM", () => process.exit(0));
