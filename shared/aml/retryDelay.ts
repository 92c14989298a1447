import type { PipelineResponse } from "@azure/core-rest-pipeline";

/** Statuses worth another try: timeouts, throttling and server errors (not 501/505, which will not change). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** The wait a response asks for (`retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After` in seconds or as a date). */
export function requestedDelayMs(response: PipelineResponse, now = Date.now()): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(response.headers.get(name));
    if (response.headers.has(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: about 250 ms, 500 ms, 1 s, ... capped at 4 s. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(4000, 250 * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
