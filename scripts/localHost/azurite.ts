import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

import { durableAzuriteEntry } from "./azuriteDurability";

/** A running Azurite (blob, queue, table) on loopback. */
export interface RunningAzurite {
  process: ChildProcess;
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

/**
 * Starts Azurite from node_modules, bound to 127.0.0.1, with its data under `location`, saving its
 * metadata before each answer so a crash loses nothing answered.
 */
export async function startAzurite(
  toolRoot: string,
  ports: { blob: number; queue: number; table: number },
  location: string,
): Promise<RunningAzurite> {
  mkdirSync(location, { recursive: true });
  // Wherever npm put it: beside this tool, or hoisted into the project's node_modules.
  const azuriteRoot = dirname(require.resolve("azurite/package.json", { paths: [toolRoot] }));
  const bin = join(azuriteRoot, "dist", "src", "azurite.js");
  const lokiPath = require.resolve("lokijs", { paths: [azuriteRoot] });
  const child = spawn(
    process.execPath,
    [
      "-e",
      durableAzuriteEntry(bin, lokiPath),
      "--",
      "--location",
      location,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(ports.blob),
      "--queueHost",
      "127.0.0.1",
      "--queuePort",
      String(ports.queue),
      "--tableHost",
      "127.0.0.1",
      "--tablePort",
      String(ports.table),
      "--skipApiVersionCheck",
      "--disableTelemetry",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );

  const listening: Partial<Record<"blob" | "queue" | "table", number>> = {};
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/g,
      )) {
        listening[(match[1] ?? "").toLowerCase() as "blob"] = Number(match[2]);
      }
      if (listening.blob && listening.queue && listening.table) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      reject(
        new Error(`Azurite exited (code ${code ?? "?"}) before it was ready:\n${output.trim()}`),
      );
    });
    child.once("error", reject);
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  return {
    process: child,
    ports: { blob: listening.blob ?? 0, queue: listening.queue ?? 0, table: listening.table ?? 0 },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
