import { portFrom } from "../cli/azuriteStorage";
import { UsageError } from "../cli/runCommand";
import { azuriteDataDir } from "../localHost/azuriteDir";
import { runningWebhookPort } from "../localHost/instanceLock";

/** The port `amlwf start` serves the webhook on when neither --port nor PORT says otherwise. */
export const DEFAULT_WEBHOOK_PORT = 7071;

/**
 * The local webhook's port for send-event: --port, else PORT, else the port the `amlwf start` running
 * on this Azurite data folder recorded in its lock, else 7071. PORT=0 (any free port) names none.
 */
export function localWebhookPort(
  flag: string | undefined,
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (flag !== undefined) {
    const port = Number(flag);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new UsageError(`--port must be a port number (1-65535), got "${flag}"`);
    return port;
  }
  const setting = portFrom(env.PORT, "PORT", 0);
  if (setting !== 0) return setting;
  return runningWebhookPort(azuriteDataDir(projectRoot, env)) ?? DEFAULT_WEBHOOK_PORT;
}
