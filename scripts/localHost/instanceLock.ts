import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What a running `npm start` records about itself, so a second one (or clear-local) can say so. */
export interface RunningInstance {
  pid: number;
  webhookPort: number;
}

const lockFile = (appRoot: string) => join(appRoot, ".local", "start.json");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The `npm start` running from this folder, if one is. */
export function runningInstance(appRoot: string): RunningInstance | undefined {
  try {
    const found = JSON.parse(readFileSync(lockFile(appRoot), "utf8")) as RunningInstance;
    return typeof found.pid === "number" && found.pid !== process.pid && alive(found.pid)
      ? found
      : undefined;
  } catch {
    return undefined;
  }
}

/** Records this process as the running instance; returns the release function. */
export function holdInstanceLock(appRoot: string, instance: RunningInstance): () => void {
  const file = lockFile(appRoot);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(instance)}\n`);
  return () => {
    rmSync(file, { force: true });
  };
}
