import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
} from "@azure/core-rest-pipeline";

/** One ARM answer: its status and parsed body (or the raw text when it is not JSON). */
export interface ArmAnswer {
  status: number;
  body: unknown;
}

/** A small ARM client for the workspace's asset APIs: one pipeline, one token cache, the SDKs' retries. */
export interface ArmClient {
  send(
    method: "GET" | "PUT" | "POST",
    path: string,
    apiVersion: string,
    body?: unknown,
  ): Promise<ArmAnswer>;
}

/** An ARM client on `@azure/core-rest-pipeline` with a bearer token for `<endpoint>/.default`. */
export function createArmClient(endpoint: string, credential: TokenCredential): ArmClient {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: { userAgentPrefix: "aml-event-workflows-register" },
  });
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({ credential, scopes: `${endpoint}/.default` }),
  );
  const http = createDefaultHttpClient();
  return {
    async send(method, path, apiVersion, body) {
      const response = await pipeline.sendRequest(
        http,
        createPipelineRequest({
          url: `${endpoint}${path}?api-version=${apiVersion}`,
          method,
          headers: createHttpHeaders({
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          }),
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      let parsed: unknown = response.bodyAsText ?? "";
      try {
        parsed = JSON.parse(response.bodyAsText ?? "");
      } catch {
        // Not JSON: keep the text for the message.
      }
      return { status: response.status, body: parsed };
    },
  };
}
