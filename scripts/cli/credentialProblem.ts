import type { AggregateAuthenticationError } from "@azure/identity";

import { redactSecrets } from "../../shared/redact";

// Recognised by name, not instanceof: loading @azure/identity takes a third of a second, which every
// command would pay to print an error; and a second copy of the package would defeat instanceof.
const UNAVAILABLE = new Set(["CredentialUnavailableError", "AggregateAuthenticationError"]);
const REFUSED = "AuthenticationError";

const firstLine = (text: string) => text.split("\n", 1)[0]?.trim() ?? "";

/** The error itself, or the first error in its `cause` chain, that @azure/identity threw. */
function credentialError(error: unknown): Error | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++)
    if (UNAVAILABLE.has(e.name) || e.name === REFUSED) return e;
  return undefined;
}

/**
 * One line of ours for an error DefaultAzureCredential threw (here or as a cause), instead of its
 * seven-line ChainedTokenCredential dump; undefined for any other error.
 */
export function credentialProblem(error: unknown): string | undefined {
  const found = credentialError(error);
  if (found === undefined) return undefined;
  // The chain's own first line is "ChainedTokenCredential authentication failed.": the line that
  // helps is the Azure CLI credential's ("Please run 'az login'…", "Azure CLI could not be found…").
  const inner = (found as Partial<AggregateAuthenticationError>).errors;
  const lines = Array.isArray(inner)
    ? inner.map((e: unknown) => firstLine(e instanceof Error ? e.message : String(e)))
    : [firstLine(found.message)];
  const detail = lines.find((l) => /az login|Azure CLI/i.test(l)) ?? lines[0] ?? "";
  const advice = UNAVAILABLE.has(found.name)
    ? "no Azure credential: run az login (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service principal)"
    : "Azure refused the credential: run az login again (or check AZURE_TENANT_ID and the service principal's secret)";
  return redactSecrets(detail === "" ? advice : `${advice}; ${detail}`);
}
