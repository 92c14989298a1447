import { isRecord } from "../../shared/guards";

const claim = (claims: Record<string, unknown>, name: string) => {
  const value = claims[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
};

/**
 * Who an Entra access token was issued to, from its payload's claims (read, not verified: ARM
 * verifies the token; this only names the caller): a user's sign-in name, else an application's
 * id, else the object id. Undefined when the token is not a JWT or names no one.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
export function callerFromToken(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined || token.split(".").length !== 3) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(claims)) return undefined;
  const user =
    claim(claims, "upn") ?? claim(claims, "unique_name") ?? claim(claims, "preferred_username");
  if (user !== undefined) return user;
  // A service principal or managed identity: v1 tokens say appid, v2 tokens azp.
  const app = claim(claims, "appid") ?? claim(claims, "azp");
  if (app !== undefined) return `app ${app}`;
  return claim(claims, "oid");
}
