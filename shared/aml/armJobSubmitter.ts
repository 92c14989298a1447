import type { TokenCredential } from "@azure/core-auth";
import { type HttpClient, type PipelineResponse } from "@azure/core-rest-pipeline";

import { ensureError, TransientError } from "../errors";
import { isRecord } from "../guards";
import { redactSecrets } from "../redact";
import type { ArmPacer } from "./armPacer";
import { boundedJsonRequest, createArmPipeline } from "./armPipeline";
import {
  type JobSubmitter,
  type JobToSubmit,
  judgeExistingJob,
  type SubmitResult,
} from "./jobSubmitter";
import { backoffMs, isRetryableStatus, requestedDelayMs } from "./retryDelay";

/** What the ARM submitter needs; made once per process. */
export interface ArmSubmitterOptions {
  credential: TokenCredential;
  /** Token scope, `<ARM endpoint>/.default`. */
  scope: string;
  /** Time one submission may take, retries included. */
  budgetMs: number;
  /** The process's one ARM pacer; every submitter in the process shares it. */
  pacer: ArmPacer;
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
function armError(response: PipelineResponse): string {
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

/** Whether a response body is the job resource named `jobName` (ARM answers a PUT and a GET with it). */
function isTheJob(response: PipelineResponse, jobName: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(response.bodyAsText ?? "");
  } catch {
    return false;
  }
  if (!isRecord(body) || !isRecord(body.properties)) return false;
  return (
    body.name === jobName || (typeof body.id === "string" && body.id.endsWith(`/jobs/${jobName}`))
  );
}

function describeBody(response: PipelineResponse): string {
  const type = response.headers.get("content-type") ?? "no content type";
  const length = (response.bodyAsText ?? "").length;
  return `${type}, ${length} characters`;
}

/** Submits jobs over the ARM jobs API: PUT, then GET when the name is taken, retrying within a time budget. */
export function createArmJobSubmitter(options: ArmSubmitterOptions): JobSubmitter {
  // Our own loop retries, so the whole submission stays inside Event Grid's 30 s.
  const { pipeline, httpClient } = createArmPipeline(
    options.credential,
    options.scope,
    options.httpClient,
  );

  async function send(
    method: "PUT" | "GET",
    url: string,
    body: unknown,
    deadline: number,
  ): Promise<PipelineResponse> {
    for (let attempt = 1; ; attempt++) {
      // Its turn, or a TransientError at once when the turn falls after the budget.
      await options.pacer.turn(method === "PUT" ? "write" : "read", deadline - MIN_ATTEMPT_MS);
      const request = boundedJsonRequest(method, url, body, deadline);
      let response: PipelineResponse | undefined;
      let failure: Error | undefined;
      try {
        response = await pipeline.sendRequest(httpClient, request);
        if (!isRetryableStatus(response.status)) return response;
      } catch (error) {
        failure = ensureError(error);
        if (CREDENTIAL_ERRORS.has(failure.name))
          throw new TransientError(`cannot get a token for ARM: ${failure.message}`, {
            cause: failure,
          });
      }
      const delay = (response && requestedDelayMs(response)) ?? backoffMs(attempt);
      if (response?.status === 429) {
        // Throttling is the principal's, not this request's: hold the whole process, then take a turn again.
        options.pacer.hold(delay);
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
  }

  return {
    async submit(job: JobToSubmit): Promise<SubmitResult> {
      const deadline = Date.now() + options.budgetMs;
      const put = await send("PUT", job.request.url, job.request.body, deadline);
      if (put.status === 200 || put.status === 201) {
        // Only the job itself proves it exists: a proxy's HTML page or an empty 200 does not.
        if (isTheJob(put, job.jobName)) return { kind: "submitted" };
        throw new TransientError(
          `ARM answered ${put.status} to PUT ${job.jobName}, but not with the job (${describeBody(put)}); not counted as submitted`,
        );
      }
      // A role assignment takes minutes to apply after a deployment: refusing the identity is not a
      // verdict on the event. Event Grid redelivers (30 attempts over the TTL); a role that never
      // comes dead-letters the event with this reason.
      if (put.status === 401 || (put.status === 403 && AUTHORIZATION_CODES.test(armError(put))))
        throw new TransientError(
          `ARM refused the function's identity (${put.status} ${armError(put)}): it needs AzureML Data Scientist on the workspace, and a new role assignment takes minutes to apply; Event Grid will deliver the event again`,
        );
      // "Already exists" arrives as 409 or 400: read the job and decide from what it is.
      if (put.status === 409 || put.status === 400) {
        const get = await send("GET", job.request.url, undefined, deadline);
        if (get.status === 200) {
          if (!isTheJob(get, job.jobName))
            throw new TransientError(
              `ARM answered 200 to GET ${job.jobName}, but not with the job (${describeBody(get)})`,
            );
          return judgeExistingJob(JSON.parse(get.bodyAsText ?? "{}"), job);
        }
        if (get.status !== 404)
          return {
            kind: "rejected",
            reason: `ARM answered ${put.status} to PUT and ${get.status} to GET: ${armError(get)}`,
          };
        // A 409 with no job behind it is a conflict with something in progress (the job being
        // created, an operation on the workspace), not a verdict on the request: try again later.
        if (put.status === 409)
          throw new TransientError(
            `ARM answered 409 (${armError(put)}) and there is no job ${job.jobName} yet; Event Grid will deliver the event again`,
          );
      }
      return { kind: "rejected", reason: `ARM answered ${put.status}: ${armError(put)}` };
    },
  };
}
