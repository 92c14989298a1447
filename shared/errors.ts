/** A failure worth retrying (throttling, 5xx, network): the handler rethrows it so Event Grid redelivers. */
export class TransientError extends Error {
  override readonly name = "TransientError";
}

/** Turns anything thrown into an Error, keeping its message. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === "string" ? value : safeJson(value));
}

/** The message of anything thrown. */
export function errorMessage(value: unknown): string {
  return ensureError(value).message;
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
