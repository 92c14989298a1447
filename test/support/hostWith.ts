import { startLocalHost } from "../../scripts/localHost/webhookServer";
import { FUNCTION_NAMES, WEBHOOK_PATH } from "../../shared/constants";
import { functionsWith } from "./functionModule";

/** The local host serving triggerPipelines built from these settings, its log lines collected. */
export interface HostUnderTest {
  url: string;
  logLines: string[];
  /** Delivers events as one Event Grid batch; the HTTP answer. */
  deliver(...events: unknown[]): Promise<{ status: number; text: string; ms: number }>;
  close(): Promise<void>;
}

/** Starts the local host on a free port with the real handler and these settings. */
export async function hostWith(
  settings: Record<string, string | undefined>,
): Promise<HostUnderTest> {
  const logLines: string[] = [];
  const host = await startLocalHost(0, {
    functions: functionsWith(settings),
    log: (line) => logLines.push(line),
  });
  const url = `http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=${FUNCTION_NAMES.triggerPipelines}`;
  return {
    url,
    logLines,
    async deliver(...events) {
      const started = Date.now();
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
        body: JSON.stringify(events),
      });
      const text = await response.text();
      return { status: response.status, text, ms: Date.now() - started };
    },
    close: () =>
      new Promise<void>((resolve) => {
        host.server.closeAllConnections();
        host.server.close(() => {
          resolve();
        });
      }),
  };
}
