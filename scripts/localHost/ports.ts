import { createServer } from "node:net";

import { UsageError } from "../cli/runCommand";

/** Throws a message naming the port and how to pick another when something already listens on it. */
export async function ensurePortFree(
  port: number,
  what: string,
  howToChange: string,
): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new UsageError(
          error.code === "EADDRINUSE"
            ? `port ${port} (${what}) is already in use on 127.0.0.1 — is another \`amlwf start\` or \`func start\` running? Stop it, or pick another port: ${howToChange}`
            : `cannot listen on port ${port} (${what}): ${error.message}`,
        ),
      );
    });
    probe.listen(port, "127.0.0.1", () => {
      probe.close(() => {
        resolve();
      });
    });
  });
}
