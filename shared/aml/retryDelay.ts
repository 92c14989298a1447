import type { PipelineResponse } from "@azure/core-rest-pipeline";

/** The longest wait one answer can impose: a `Retry-After` of a day must not stop the process for a day. */
export const MAX_HOLD_MS = 60_000;

// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must also read.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_850_DATE = /^[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Statuses worth another try: timeouts, throttling and server errors (not 501/505, which will not change). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * The wait a response asks for (`retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After` in seconds or
 * as an HTTP-date), at most MAX_HOLD_MS; undefined when it asks for none or says it unreadably.
 */
export function requestedDelayMs(response: PipelineResponse, now = Date.now()): number | undefined {
  const ms = askedMs(response, now);
  return ms === undefined ? undefined : Math.min(MAX_HOLD_MS, ms);
}

function askedMs(response: PipelineResponse, now: number): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(response.headers.get(name));
    if (response.headers.has(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const retryAfter = response.headers.get("retry-after")?.trim();
  if (retryAfter === undefined) return undefined;
  if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  // Date.parse alone reads "-5" or "foo 2" as dates in 2001; only the HTTP-date forms are dates here.
  const date = ASCTIME_DATE.test(retryAfter)
    ? Date.parse(`${retryAfter} GMT`)
    : IMF_FIXDATE.test(retryAfter) || RFC_850_DATE.test(retryAfter)
      ? Date.parse(retryAfter)
      : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: about 250 ms, 500 ms, 1 s, ... capped at 4 s. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(4000, 250 * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * What ARM says is left of the principal's write bucket (`x-ms-ratelimit-remaining-subscription-writes`,
 * AZURE-FACTS §7); undefined when the answer does not say (a 429 without it is a hold, not a reading).
 */
export function remainingWrites(response: PipelineResponse): number | undefined {
  const text = response.headers.get("x-ms-ratelimit-remaining-subscription-writes")?.trim();
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
