import { isRecord } from "../guards";
import type { Result } from "../result";

/** The queue message that closes one window: it becomes visible when the window ends. */
export interface WindowMessage {
  version: 1;
  workflow: string;
  key: string;
  window: string;
  /** How many times closing has been tried and put off (a transient failure schedules the next try). */
  attempt: number;
}

/**
 * The message as the queue holds it: base64 of the JSON, the Functions host's default encoding
 * (host.json `extensions.queues.messageEncoding`), which it decodes before the function sees it.
 */
export function encodeWindowMessage(message: WindowMessage): string {
  return Buffer.from(JSON.stringify(message), "utf8").toString("base64");
}

/** The message a queue function was handed (the host passes JSON as an object, other text as a string). */
export function parseWindowMessage(body: unknown): Result<WindowMessage> {
  let value = body;
  if (typeof body === "string")
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, errors: ["the message is not JSON"] };
    }
  if (
    !isRecord(value) ||
    value.version !== 1 ||
    typeof value.workflow !== "string" ||
    typeof value.key !== "string" ||
    typeof value.window !== "string" ||
    typeof value.attempt !== "number"
  )
    return {
      ok: false,
      errors: [
        "the message is not a coalescing window's { version: 1, workflow, key, window, attempt }",
      ],
    };
  return { ok: true, value: value as unknown as WindowMessage };
}

/** Where window messages go: a queue whose messages stay invisible for a delay. */
export interface WindowQueue {
  /** The queue's URL, for messages (never a secret). */
  readonly location: string;
  /** Sends a message that becomes visible `delaySeconds` from now (0 to 7 days). */
  schedule(
    message: WindowMessage,
    delaySeconds: number,
    options?: { abortSignal?: AbortSignal },
  ): Promise<void>;
}
