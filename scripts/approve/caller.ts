import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

import { callerFromToken } from "../cli/tokenCaller";

/**
 * A credential that notes who its tokens name, as they pass to the request that needs them: one
 * token request serves both, and the token itself is never kept.
 */
export function callerNotingCredential(credential: TokenCredential): {
  credential: TokenCredential;
  /** Who the last token named; undefined before any token, or when it named no one. */
  caller: () => string | undefined;
} {
  let caller: string | undefined;
  return {
    credential: {
      async getToken(
        scopes: string | string[],
        options?: GetTokenOptions,
      ): Promise<AccessToken | null> {
        const token = await credential.getToken(scopes, options);
        if (token !== null) caller = callerFromToken(token.token);
        return token;
      },
    },
    caller: () => caller,
  };
}
