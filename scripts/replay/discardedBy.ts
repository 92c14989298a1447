import { hostname, userInfo } from "node:os";

import type { TokenCredential } from "@azure/core-auth";

import { isRecord } from "../../shared/guards";

/** The scope of Azure Storage's data plane, where the discard's token goes. */
const STORAGE_SCOPE = "https://storage.azure.com/.default";

// Claims naming the caller, most readable first: a user's sign-in name, else an app's or principal's id.
const PRINCIPAL_CLAIMS = ["upn", "preferred_username", "unique_name", "appid", "oid"];

/** Who a token was issued to, read from its claims (for the audit copy only: nothing trusts it). */
export function principalOf(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(claims)) return undefined;
  for (const claim of PRINCIPAL_CLAIMS) {
    const value = claims[claim];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

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
    const principal = token === null ? undefined : principalOf(token.token);
    return principal === undefined ? local : `${principal} (on ${local})`;
  } catch {
    // The discard itself asks for the same token, and fails with the credential's own words.
    return local;
  }
}
