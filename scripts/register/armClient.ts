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
  /** GET a whole URL on the same endpoint (a list's nextLink); another origin is refused, so the token never leaves ARM. */
  getUrl(url: string): Promise<ArmAnswer>;
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
  const request = async (method: "GET" | "PUT" | "POST", url: string, body?: unknown) => {
    const response = await pipeline.sendRequest(
      http,
      createPipelineRequest({
        url,
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
  };
  return {
    send: (method, path, apiVersion, body) =>
      request(method, `${endpoint}${path}?api-version=${apiVersion}`, body),
    getUrl(url) {
      if (new URL(url).origin !== new URL(endpoint).origin)
        return Promise.reject(new Error(`refusing to send an ARM token to ${new URL(url).origin}`));
      return request("GET", url);
    },
  };
}
