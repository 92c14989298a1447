/** `npm start`: Azurite plus a Functions host — Core Tools when `func` is on the PATH, otherwise the local host. */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { registeredEventGridFunctions } from "../functions/registry";
import { findAppRoot } from "../shared/appRoot";
import { loadSettings } from "../shared/settings";
import { loadWorkflows } from "../shared/workflows/loadWorkflows";
import { azuriteConnectionString, startAzurite } from "./localHost/azurite";
import { applyLocalSettings } from "./localHost/localSettings";
import { startLocalHost, WEBHOOK_PATH } from "./localHost/webhookServer";

const say = (line: string) => process.stdout.write(`${line}\n`);

function onPath(command: string): boolean {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .some((dir) => dir !== "" && existsSync(join(dir, command)));
}

function portFrom(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number (0-65535), got "${value}"`);
  return port;
}

/** Loads every function module beside the registry, so the local host serves what Core Tools would. */
async function loadFunctionModules(): Promise<void> {
  const dir = join(__dirname, "..", "functions");
  const files = readdirSync(dir).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith(".d.ts"));
  for (const file of files) await import(pathToFileURL(join(dir, file)).href);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, "local-host": { type: "boolean" } },
  });
  const appRoot = findAppRoot(__dirname);
  const local = applyLocalSettings(appRoot);
  if (local.created)
    say(
      "created local.settings.json from local.settings.sample.json (edit it to set AML_WORKSPACE_ID)",
    );
  const port = portFrom(values.port ?? process.env.PORT, "PORT", 7071);

  const settings = loadSettings();
  if (!settings.ok)
    throw new Error(`Invalid settings:\n${settings.errors.map((e) => `  ${e}`).join("\n")}`);
  say(
    settings.value.workspace
      ? `mode: Azure — jobs go to ${settings.value.workspace.id} via ${settings.value.armEndpoint}`
      : `mode: dry run (no AML_WORKSPACE_ID) — requests are written to ${settings.value.dryRunDir}`,
  );

  // Validate the config (and, for the local host, load the functions) before starting anything.
  const config = loadWorkflows(settings.value.workflowsFile);
  if (!config.ok) throw config.error;
  const useCoreTools = onPath("func") && values["local-host"] !== true;

  const azurite = await startAzurite(appRoot, {
    blob: portFrom(process.env.AZURITE_BLOB_PORT, "AZURITE_BLOB_PORT", 10000),
    queue: portFrom(process.env.AZURITE_QUEUE_PORT, "AZURITE_QUEUE_PORT", 10001),
    table: portFrom(process.env.AZURITE_TABLE_PORT, "AZURITE_TABLE_PORT", 10002),
  });
  say(
    `azurite: blob 127.0.0.1:${azurite.ports.blob}, queue ${azurite.ports.queue}, table ${azurite.ports.table} (data in .local/azurite)`,
  );

  if (process.env.AzureWebJobsStorage === "UseDevelopmentStorage=true") {
    // Point the shorthand at the ports Azurite really took (they may differ from 10000-10002).
    process.env.AzureWebJobsStorage = azuriteConnectionString(azurite.ports);
  }

  let stopHost: () => Promise<void>;
  let hostExited: Promise<number>;
  try {
    if (useCoreTools) {
      say(`host: Azure Functions Core Tools (func start --port ${port})`);
      const func = spawn("func", ["start", "--port", String(port)], {
        stdio: "inherit",
        env: process.env,
      });
      hostExited = new Promise((resolve) =>
        func.once("exit", (code) => {
          resolve(code ?? 1);
        }),
      );
      stopHost = async () => {
        if (func.exitCode === null) func.kill("SIGINT");
        await hostExited;
      };
      say(`webhook: http://localhost:${port}${WEBHOOK_PATH}?functionName=<name>`);
    } else {
      await loadFunctionModules();
      const functions = registeredEventGridFunctions();
      const host = await startLocalHost(port, { functions, log: say });
      say(
        `host: local (${onPath("func") ? "--local-host" : "Core Tools' func is not on the PATH"}), 127.0.0.1 only`,
      );
      for (const name of functions.keys())
        say(`webhook: http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=${name}`);
      hostExited = new Promise(() => undefined);
      stopHost = () =>
        new Promise((resolve) =>
          host.server.close(() => {
            resolve();
          }),
        );
    }
  } catch (error) {
    await azurite.stop();
    throw error;
  }
  say("ready — Ctrl-C stops everything");

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping...");
    await Promise.all([stopHost(), azurite.stop()]);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  azurite.process.once("exit", (code) => {
    if (!stopping) {
      say(`azurite exited unexpectedly (code ${code ?? "?"})`);
      void stop(1);
    }
  });
  void hostExited.then((code) => stop(code));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
