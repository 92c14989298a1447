import { hostname, userInfo } from "node:os";

import type { TokenCredential } from "@azure/core-auth";

import { callerFromToken } from "../cli/tokenCaller";

/** The scope of Azure Storage's data plane, where the discard's token goes. */
const STORAGE_SCOPE = "https://storage.azure.com/.default";

function localUser(): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    // A container's user may have no passwd entry.
    user = process.env.USER ?? process.env.USERNAME;
  }
  return `${user ?? "unknown"}@${hostname()}`;
}

/**
 * Who is discarding: the Entra principal storage sees when it is reached with `credential`, and
 * the local user and machine (all there is with a connection string or a folder).
 */
export async function discardedBy(credential?: TokenCredential): Promise<string> {
  const local = localUser();
  if (credential === undefined) return local;
  try {
    const token = await credential.getToken(STORAGE_SCOPE);
    const principal = token === null ? undefined : callerFromToken(token.token);
    return principal === undefined ? local : `${principal} (on ${local})`;
  } catch {
    // The discard itself asks for the same token, and fails with the credential's own words.
    return local;
  }
}
