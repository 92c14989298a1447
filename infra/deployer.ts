import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

import type { PrincipalType } from "./components/roles";

/**
 * Who runs `pulumi up`, read from the ARM token the provider deploys with: an app-only token (a
 * service principal or managed identity in CI) carries `idtyp: "app"`; a person's does not. No
 * Microsoft Graph call, so it needs no directory permission.
 */
export function deployerPrincipalType(
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<PrincipalType> {
  return authorization.getClientTokenOutput({}, opts).token.apply(principalTypeOfToken);
}

/** The principal type a JWT's claims say: ServicePrincipal for `idtyp: "app"`, else User. */
export function principalTypeOfToken(token: string | undefined): PrincipalType {
  const payload = token?.split(".")[1] ?? "";
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      idtyp?: unknown;
    };
    return claims.idtyp === "app" ? "ServicePrincipal" : "User";
  } catch {
    return "User";
  }
}
