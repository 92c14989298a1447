import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/**
 * `DefaultAzureCredential`, made on the first token request: @azure/identity is the heaviest module
 * to load, and loading it at start-up delays every cold start. One instance serves the whole process.
 */
export function lazyDefaultAzureCredential(): TokenCredential {
  let credential: TokenCredential | undefined;
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      if (credential === undefined) {
        // A deferred require; the deploy bundle resolves it to dist/vendor/identity.js (scripts/packaging).
        const { DefaultAzureCredential } =
          require("@azure/identity") as typeof import("@azure/identity");
        credential = new DefaultAzureCredential();
      }
      return credential.getToken(scopes, options);
    },
  };
}
