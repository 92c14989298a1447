import { redactSecrets } from "./redact";

/**
 * A failure worth retrying (throttling, 5xx, network): the handler rethrows it so Event Grid
 * redelivers. The host logs what is thrown, so its message is redacted when it is made.
 */
export class TransientError extends Error {
  override readonly name = "TransientError";
  constructor(message: string, options?: ErrorOptions) {
    super(redactSecrets(message), options);
  }
}

/** Turns anything thrown into an Error, keeping its message. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === "string" ? value : safeJson(value));
}

/** The message of anything thrown, redacted: what logs, records and answers may carry. */
export function errorMessage(value: unknown): string {
  return redactSecrets(ensureError(value).message);
}

function safeJson(value: unknown): string {
  try {
    // JSON.stringify gives undefined for undefined, functions and symbols.
    const text = JSON.stringify(value) as unknown;
    return typeof text === "string" ? text : String(value);
  } catch {
    return String(value);
  }
}
