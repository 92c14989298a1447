import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";

import { HOST_STORAGE_SETTINGS, SETTING_NAMES } from "../../shared/constants";
import { EXAMPLE_WORKFLOWS, REPO_ROOT } from "./samples";

/** The compiled command, as `npm run <name>` runs it (`npm test` builds first). */
const compiled = (script: string) =>
  join(REPO_ROOT, "dist", "scripts", script.replace(/\.ts$/, ".js"));

// A developer's local.settings.json must not point a test at their workspace or storage.
const ISOLATED: Record<string, string> = Object.fromEntries(
  [SETTING_NAMES.amlWorkspaceId, ...Object.values(HOST_STORAGE_SETTINGS)].map((n) => [n, ""]),
);

/** The environment a command runs with: this process's, isolated settings, then the test's (undefined removes a variable). */
function commandEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // Commands read the example config (YAML), never the user's workflows/.
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    ...ISOLATED,
    [SETTING_NAMES.workflowsFile]: EXAMPLE_WORKFLOWS,
    ...env,
  };
  for (const [name, value] of Object.entries(merged))
    if (value === undefined) Reflect.deleteProperty(merged, name);
  return merged;
}

/** Runs one of the commands to completion, as `npm run` would (without blocking this process's servers). */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  /** Where it runs: the project whose local.settings.json and .local/ it uses. */
  cwd = REPO_ROOT,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [compiled(script), ...args], {
    cwd,
    env: commandEnv(env),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.once("close", (status) => {
      resolve({ status, stdout, stderr });
    }),
  );
}

/** Starts one of the commands in the background. */
export function startScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  cwd = REPO_ROOT,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [compiled(script), ...args], {
    cwd,
    env: commandEnv(env),
  });
}

/** Resolves with everything printed so far once `pattern` appears; rejects when the process exits first. */
export function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code ?? "a signal"} before ${String(pattern)}:\n${output}`));
    });
  });
}
