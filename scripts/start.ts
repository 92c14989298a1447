/** `amlwf start`: Azurite plus a Functions host — Core Tools when `func` is on the PATH, otherwise the local host. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, delimiter, dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";

import {
  registeredEventGridFunctions,
  registeredQueueFunctions,
  registeredTimerFunctions,
} from "../functions/registry";
import { formatWarning } from "../shared/compile/config/configError";
import { HOST_STORAGE_SETTINGS, SETTING_NAMES, WEBHOOK_PATH } from "../shared/constants";
import { processRuntime, settingsOrThrow } from "../shared/core/runtime";
import type { WorkflowsConfig } from "../shared/workflows/workflow";
import {
  azuriteConnectionString,
  azuritePorts,
  developmentStorage,
  portFrom,
} from "./cli/azuriteStorage";
import { runCommand, UsageError } from "./cli/runCommand";
import { toolConfig } from "./cli/toolConfig";
import { functionModuleFiles } from "./functionModules";
import { startAzurite } from "./localHost/azurite";
import { azuriteDataDir } from "./localHost/azuriteDir";
import { hostLogFile, hostLogPath } from "./localHost/hostLog";
import { holdInstanceLock, runningInstance } from "./localHost/instanceLock";
import { ensurePortFree } from "./localHost/ports";
import { startQueueFunctions } from "./localHost/queues";
import { startTimers } from "./localHost/timers";
import { watchWorkflows } from "./localHost/watchWorkflows";
import { startLocalHost } from "./localHost/webhookServer";

const say = (line: string) => process.stdout.write(`${line}\n`);

function onPath(command: string): boolean {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .some((dir) => dir !== "" && existsSync(join(dir, command)));
}

/** Loads every function module, so the local host serves what Core Tools would. */
async function loadFunctionModules(): Promise<void> {
  const dir = join(__dirname, "..", "functions");
  for (const file of functionModuleFiles(dir)) await import(pathToFileURL(join(dir, file)).href);
}

/** Core Tools runs in the tool's own folder (host.json, dist/functions), with the project's settings pinned in the environment. */
function startCoreTools(
  port: number,
  toolRoot: string,
): { child: ChildProcess; exited: Promise<number> } {
  const child = spawn("func", ["start", "--port", String(port)], {
    cwd: toolRoot,
    stdio: "inherit",
    env: process.env,
  });
  const exited = new Promise<number>((resolve) =>
    child.once("exit", (code) => {
      resolve(code ?? 1);
    }),
  );
  return { child, exited };
}

runCommand({
  usage: "usage: amlwf start [--port <n>] [--local-host]",
  description: `Runs the function locally: Azurite for storage, and Core Tools (\`func start\`) when it is on the PATH,
otherwise the project's local host on 127.0.0.1. Settings come from local.settings.json (made from the
sample on first start); variables already set win. Edits to the workflows folder are validated and
picked up while it runs (compiled to .local/compiled/, which the function loads). Ctrl-C stops everything.
  --port N        the webhook port (default PORT, or 7071); Azurite: AZURITE_BLOB_PORT/_QUEUE_PORT/_TABLE_PORT,
                  its data in AZURITE_DATA_DIR (default .local/azurite)
  --local-host    use the local host even when Core Tools is installed
Exit: 0 stopped with Ctrl-C, 1 something failed while running, 2 usage, settings or config error.`,
  options: { port: { type: "string" }, "local-host": { type: "boolean" } },
  createLocalSettings: true,
  async run({ values, projectRoot, toolRoot }) {
    const dataDir = azuriteDataDir(projectRoot);
    const already = runningInstance(dataDir);
    if (already)
      throw new UsageError(
        `amlwf start is already running on ${relative(process.cwd(), dataDir) || dataDir} (pid ${already.pid}, webhook on port ${already.webhookPort}); send events to it, or stop it with Ctrl-C first`,
      );
    const port = portFrom(values.port ?? process.env.PORT, "PORT", 7071);
    const azurite = azuritePorts(process.env);
    const settings = settingsOrThrow();
    const { target } = settings;
    // The host resolves the watcher's schedule from the setting itself; unset, it takes the default.
    process.env[SETTING_NAMES.watchSchedule] = settings.watch.schedule;
    say(
      target.kind === "azure"
        ? `mode: Azure — jobs go to ${target.workspace.id} via ${settings.armEndpoint}`
        : `mode: dry run (no AML_WORKSPACE_ID) — requests are written to ${target.dir}`,
    );
    // Validate the config and the ports before starting anything.
    const yamlConfig = !/\.json$/i.test(settings.workflowsFile);
    const config = toolConfig(settings.workflowsFile);
    // The function loads compiled workflows only, as in Azure: compile the YAML for it.
    const compiledFile = join(
      projectRoot,
      ".local",
      "compiled",
      `${basename(settings.workflowsFile).replace(/\.ya?ml$/i, "")}.compiled.json`,
    );
    const writeCompiled = (next: WorkflowsConfig) => {
      mkdirSync(dirname(compiledFile), { recursive: true });
      writeFileSync(compiledFile, `${JSON.stringify(next.compiled, null, 2)}\n`);
    };
    if (yamlConfig) {
      writeCompiled(config);
      process.env.WORKFLOWS_FILE = compiledFile;
    }
    const useCoreTools = onPath("func") && values["local-host"] !== true;
    await ensurePortFree(port, "the webhook", "amlwf start --port 7072 (or set PORT)");
    await ensurePortFree(azurite.blob, "Azurite blob", "set AZURITE_BLOB_PORT");
    await ensurePortFree(azurite.queue, "Azurite queue", "set AZURITE_QUEUE_PORT");
    await ensurePortFree(azurite.table, "Azurite table", "set AZURITE_TABLE_PORT");

    const storage = await startAzurite(toolRoot, azurite, dataDir);
    say(
      `azurite: blob 127.0.0.1:${storage.ports.blob}, queue ${storage.ports.queue}, table ${storage.ports.table} (data in ${relative(process.cwd(), dataDir) || dataDir})`,
    );
    if (developmentStorage(process.env.AzureWebJobsStorage, azurite))
      // Point the shorthand at the ports Azurite really took (port 0 takes any).
      process.env.AzureWebJobsStorage = azuriteConnectionString(storage.ports);

    let stopHost: () => Promise<void>;
    let hostExited: Promise<number>;
    let webhookPort = port;
    let restartHost: (() => void) | undefined;
    try {
      if (useCoreTools) {
        say(`host: Azure Functions Core Tools (func start --port ${port})`);
        let func = startCoreTools(port, toolRoot);
        let restarting = false;
        let hostStopped: (code: number) => void = () => undefined;
        hostExited = new Promise((resolve) => (hostStopped = resolve));
        const follow = () =>
          void func.exited.then((code) => {
            if (!restarting) {
              hostStopped(code);
              return;
            }
            restarting = false;
            func = startCoreTools(port, toolRoot);
            follow();
          });
        follow();
        stopHost = async () => {
          if (func.child.exitCode === null) func.child.kill("SIGINT");
          await func.exited;
        };
        // Core Tools runs the function in a worker of its own: a changed config takes a restart.
        restartHost = () => {
          restarting = true;
          func.child.kill("SIGINT");
        };
        say(`webhook: http://localhost:${port}${WEBHOOK_PATH}?functionName=<name>`);
      } else {
        await loadFunctionModules();
        const functions = registeredEventGridFunctions();
        const hostLog = hostLogFile(hostLogPath(projectRoot), say);
        const host = await startLocalHost(port, { functions, ...hostLog });
        const timers = startTimers(
          registeredTimerFunctions(),
          process.env,
          hostLog.log,
          hostLog.records,
        );
        // The host reads its queues through AzureWebJobsStorage (Azurite's, expanded above).
        const hostStorage = process.env[HOST_STORAGE_SETTINGS.connectionString];
        const queueFunctions = registeredQueueFunctions();
        const queues =
          hostStorage === undefined || hostStorage.trim() === ""
            ? undefined
            : startQueueFunctions(queueFunctions, hostStorage, hostLog.log, hostLog.records);
        webhookPort = host.port;
        say(
          `host: local (${onPath("func") ? "--local-host" : "Core Tools' func is not on the PATH"}), 127.0.0.1 only; its log: ${relative(process.cwd(), hostLogPath(projectRoot))} (amlwf logs reads it)`,
        );
        for (const name of functions.keys())
          say(`webhook: http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=${name}`);
        for (const [name, schedule] of timers.schedules)
          say(`timer: ${name} on "${schedule}" (UTC)`);
        if (queues) for (const [name, queue] of queues.queues) say(`queue: ${name} on ${queue}`);
        else
          for (const name of queueFunctions.keys())
            say(`queue: ${name} not run: ${HOST_STORAGE_SETTINGS.connectionString} is not set`);
        hostExited = new Promise(() => undefined);
        stopHost = async () => {
          await Promise.all([timers.stop(), queues?.stop()]);
          await new Promise<void>((resolve) =>
            host.server.close(() => {
              resolve();
            }),
          );
        };
      }
    } catch (error) {
      await storage.stop();
      throw error;
    }
    const releaseLock = holdInstanceLock(dataDir, { pid: process.pid, webhookPort });
    const watcher = watchWorkflows(settings.workflowsFile, {
      onValid(config, warnings) {
        if (!yamlConfig) return;
        for (const warning of warnings) say(formatWarning(warning));
        writeCompiled(config);
        if (restartHost) restartHost();
        else processRuntime().replaceConfig(config);
        say(
          `reloaded ${config.file}: ${config.workflows.length} workflow${config.workflows.length === 1 ? "" : "s"} (${config.workflows.map((w) => w.name).join(", ")})`,
        );
      },
      onInvalid(error) {
        say(`${error.message}\nkept the running workflows; fix the file and save again`);
      },
    });
    say("ready — Ctrl-C stops everything");

    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        say("stopping...");
        watcher.close();
        // The host first: a handler still running settles its message (and writes) in Azurite.
        await stopHost();
        await storage.stop();
        releaseLock();
        resolve(code);
      };
      process.on("SIGINT", () => void stop(0));
      process.on("SIGTERM", () => void stop(0));
      storage.process.once("exit", (code) => {
        if (!stopping) {
          say(`azurite exited unexpectedly (code ${code ?? "?"})`);
          void stop(1);
        }
      });
      void hostExited.then((code) => stop(code === 0 ? 0 : 1));
    });
  },
});
