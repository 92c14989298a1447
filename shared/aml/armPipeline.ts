import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";

/**
 * The pipeline the function's ARM clients share in shape: a bearer token for the scope, and no SDK
 * retry policy — callers retry themselves, inside the budget Event Grid's 30 s leaves them.
 */
export function createArmPipeline(
  credential: TokenCredential,
  scope: string,
  httpClient: HttpClient = createDefaultHttpClient(),
): { pipeline: Pipeline; httpClient: HttpClient } {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: { userAgentPrefix: "aml-event-workflows" },
  });
  pipeline.removePolicy({ name: "defaultRetryPolicy" });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: scope }));
  return { pipeline, httpClient };
}

/**
 * A JSON request that must end by `deadline`. (A stalled token request before it is bounded by the
 * invocation's own deadline: @azure/identity's managed-identity credential was not seen to honour
 * an abort signal, and one per request cost a third of the throughput.)
 */
export function boundedJsonRequest(
  method: "GET" | "PUT",
  url: string,
  body: unknown,
  deadline: number,
): PipelineRequest {
  const remaining = Math.max(1, deadline - Date.now());
  return createPipelineRequest({
    url,
    method,
    timeout: remaining,
    headers: createHttpHeaders({
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
