import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient, PipelineResponse } from "@azure/core-rest-pipeline";

import { ensureError, TransientError } from "../errors";
import { isRecord } from "../guards";
import { redactSecrets } from "../redact";
import { type ArmPacing, pacerFor } from "./armPacers";
import { boundedJsonRequest, createArmPipeline } from "./armPipeline";
import { backoffMs, isRetryableStatus, remainingWrites, requestedDelayMs } from "./retryDelay";

/**
 * Sends one ARM request by `deadline`, retrying 408/429/5xx and network failures inside it; the
 * answer it returns is final (2xx or a 4xx to judge). Throws a TransientError when the retries
 * or the token run out.
 */
export type ArmSend = (
  method: "PUT" | "GET",
  url: string,
  body: unknown,
  deadline: number,
) => Promise<PipelineResponse>;

/** What an ARM sender needs; made once per process. */
export interface ArmSenderOptions {
  credential: TokenCredential;
  /** Token scope, `<ARM endpoint>/.default`. */
  scope: string;
  /** The process's ARM pacing, per subscription: writes take turns, reads respect its holds. */
  pacer: ArmPacing;
  httpClient?: HttpClient;
}

// An attempt that cannot get this long before the deadline is not worth starting.
const MIN_ATTEMPT_MS = 250;
const CREDENTIAL_ERRORS = new Set([
  "CredentialUnavailableError",
  "AuthenticationError",
  "AggregateAuthenticationError",
]);

/** ARM's codes for "this identity may not (yet) do that", as opposed to a refusal of the request. */
const AUTHORIZATION_CODES =
  /^(AuthorizationFailed|LinkedAuthorizationFailed|InvalidAuthenticationToken\w*)\b/;

/** ARM's error code and message, redacted: error bodies can echo the request's headers. */
export function armError(response: PipelineResponse): string {
  return redactSecrets(armErrorText(response));
}

function armErrorText(response: PipelineResponse): string {
  try {
    const body: unknown = JSON.parse(response.bodyAsText ?? "");
    const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
    if (error) {
      const code = typeof error.code === "string" ? error.code : "UnknownError";
      const message = typeof error.message === "string" ? error.message : "";
      return `${code}: ${message}`.trim();
    }
  } catch {
    // Not JSON: fall back to the raw text below.
  }
  return (response.bodyAsText ?? "").slice(0, 500) || "no error body";
}

/**
 * Whether ARM refused the identity rather than the request: 401, or 403 AuthorizationFailed. A role
 * assignment takes minutes to apply after a deployment, so that is not a verdict on the event.
 */
export function identityRefused(response: PipelineResponse): boolean {
  return (
    response.status === 401 ||
    (response.status === 403 && AUTHORIZATION_CODES.test(armErrorText(response)))
  );
}

/** The JSON body of an answer, or undefined when it has none (an HTML page from a proxy, say). */
export function jsonBody(response: PipelineResponse): unknown {
  try {
    return JSON.parse(response.bodyAsText ?? "") as unknown;
  } catch {
    return undefined;
  }
}

/** A content type and size, to say what came back without repeating it. */
export function describeBody(response: PipelineResponse): string {
  const type = response.headers.get("content-type") ?? "no content type";
  const length = (response.bodyAsText ?? "").length;
  return `${type}, ${length} characters`;
}

/** The process's way to ARM: one pipeline and credential, paced, retrying within each request's deadline. */
export function createArmSender(options: ArmSenderOptions): ArmSend {
  // Our own loop retries, so everything stays inside Event Grid's 30 s.
  const { pipeline, httpClient } = createArmPipeline(
    options.credential,
    options.scope,
    options.httpClient,
  );
  return async (method, url, body, deadline) => {
    const pacer = pacerFor(options.pacer, url);
    for (let attempt = 1; ; attempt++) {
      // Its turn, or a TransientError at once when the turn falls after the budget.
      const sentBefore = await pacer.turn(
        method === "PUT" ? "write" : "read",
        deadline - MIN_ATTEMPT_MS,
      );
      const request = boundedJsonRequest(method, url, body, deadline);
      let response: PipelineResponse | undefined;
      let failure: Error | undefined;
      try {
        response = await pipeline.sendRequest(httpClient, request);
        if (method === "PUT") pacer.answered(remainingWrites(response), sentBefore);
        if (!isRetryableStatus(response.status)) return response;
      } catch (error) {
        if (method === "PUT") pacer.unanswered();
        failure = ensureError(error);
        if (CREDENTIAL_ERRORS.has(failure.name))
          throw new TransientError(`cannot get a token for ARM: ${failure.message}`, {
            cause: failure,
          });
      }
      const delay = (response && requestedDelayMs(response)) ?? backoffMs(attempt);
      if (response?.status === 429) {
        // Throttling is the principal's, not this request's: hold the whole process, then take a turn again.
        pacer.hold(delay);
        continue;
      }
      const what = response
        ? `ARM answered ${response.status} (${armError(response)})`
        : `request failed (${failure?.message ?? "unknown error"})`;
      if (Date.now() + delay + MIN_ATTEMPT_MS > deadline) {
        throw new TransientError(
          `${method} ${new URL(url).pathname}: ${what} after ${attempt} attempt${attempt === 1 ? "" : "s"}; the retry budget is spent`,
          { cause: failure },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
}
