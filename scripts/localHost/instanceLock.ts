import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * What a running `amlwf start` records about itself, in the Azurite data folder it uses, so a second
 * one on that folder (or clear-local) can say so. One folder, one `amlwf start`: two on different
 * folders and ports (a test beside yours) do not meet. `send-event` reads the webhook port from it.
 */
export interface RunningInstance {
  pid: number;
  /** The port the host took (with PORT=0 or --port 0, the one it was given by the system). */
  webhookPort: number;
}

const lockFile = (dataDir: string) => join(dataDir, "npm-start.json");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The `amlwf start` running on this Azurite data folder, if one is. */
export function runningInstance(dataDir: string): RunningInstance | undefined {
  try {
    const found = JSON.parse(readFileSync(lockFile(dataDir), "utf8")) as RunningInstance;
    return typeof found.pid === "number" && found.pid !== process.pid && alive(found.pid)
      ? found
      : undefined;
  } catch {
    return undefined;
  }
}

/** The webhook port of the `amlwf start` running on this folder; undefined when none runs or its lock names no port. */
export function runningWebhookPort(dataDir: string): number | undefined {
  // Checked, not trusted: a lock is a file anyone (or another version) may have written.
  const port: unknown = runningInstance(dataDir)?.webhookPort;
  return typeof port === "number" && Number.isInteger(port) && port > 0 && port <= 65535
    ? port
    : undefined;
}

/** Records this process as the running instance; returns the release function. */
export function holdInstanceLock(dataDir: string, instance: RunningInstance): () => void {
  const file = lockFile(dataDir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(instance)}\n`);
  return () => {
    rmSync(file, { force: true });
  };
}
