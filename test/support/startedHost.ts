import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer } from "node:net";

import { startScript, waitForOutput } from "./runScript";

/** Ports nothing listens on now (each held open until all are found, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<typeof server>((resolve) => {
        server.listen(0, "127.0.0.1", () => {
          resolve(server);
        });
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return address.port;
  });
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        ),
    ),
  );
  return ports;
}

/** Polls `check` until it returns a value; on timeout, fails naming what it waited for and what it saw. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  seen: () => string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; saw:\n${seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A running `amlwf start`: its webhook port, what it printed so far, and Ctrl-C. */
export interface LocalLoop {
  host: ChildProcessWithoutNullStreams;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

/** `amlwf start --local-host` in `project`, on free ports (set in `env`), until it is ready. */
export async function startLocalLoop(
  project: string,
  env: Record<string, string | undefined>,
): Promise<LocalLoop> {
  const [blob, queue, table] = await freePorts(3);
  Object.assign(env, {
    PORT: "0",
    AZURITE_BLOB_PORT: String(blob),
    AZURITE_QUEUE_PORT: String(queue),
    AZURITE_TABLE_PORT: String(table),
  });
  const host = startScript("start.ts", ["--local-host"], env, project);
  let output = "";
  host.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  host.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const banner = await waitForOutput(host, /ready — Ctrl-C stops everything/).catch(
    (error: unknown) => {
      // Ctrl-C, so an Azurite it started stops with it.
      host.kill("SIGINT");
      throw error;
    },
  );
  const port = Number(/webhook: http:\/\/127\.0\.0\.1:(\d+)\//.exec(banner)?.[1]);
  return {
    host,
    port,
    output: () => output,
    // Ctrl-C, so it stops its Azurite too; SIGKILL only if that takes too long.
    async stop() {
      if (host.exitCode !== null || host.signalCode !== null) return;
      const exited = new Promise<boolean>((resolve) =>
        host.once("exit", () => {
          resolve(true);
        }),
      );
      host.kill("SIGINT");
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, 10_000);
      });
      if (!(await Promise.race([exited, timeout]))) host.kill("SIGKILL");
      clearTimeout(timer);
    },
  };
}
