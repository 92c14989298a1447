import {
  AggregateAuthenticationError,
  AuthenticationError,
  CredentialUnavailableError,
} from "@azure/identity";
import { describe, expect, it } from "vitest";

import { credentialProblem } from "../../scripts/cli/credentialProblem";
import { TransientError } from "../../shared/errors";

// What DefaultAzureCredential throws with no `az login` (shortened: it lists six credentials).
const noLogin = () =>
  new AggregateAuthenticationError(
    [
      new CredentialUnavailableError(
        "EnvironmentCredential is unavailable. No underlying credential could be used.",
      ),
      new CredentialUnavailableError("ManagedIdentityCredential: Network unreachable."),
      new CredentialUnavailableError(
        "Please run 'az login' from a command prompt to authenticate before using this credential.",
      ),
    ],
    "ChainedTokenCredential authentication failed.",
  );

describe("credentialProblem", () => {
  it("turns the credential chain into one line of ours, with the Azure CLI credential's line", () => {
    const line = credentialProblem(noLogin());
    expect(line).toBe(
      "no Azure credential: run az login (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service principal); Please run 'az login' from a command prompt to authenticate before using this credential.",
    );
    expect(line).not.toMatch(/\n/);
  });

  it("finds the credential error as the cause of ours", () => {
    const wrapped = new TransientError("cannot get a token for ARM: ...", { cause: noLogin() });
    expect(credentialProblem(wrapped)).toMatch(/^no Azure credential: run az login/);
  });

  it("reads a single CredentialUnavailableError's first line, and an AuthenticationError as refused", () => {
    expect(
      credentialProblem(new CredentialUnavailableError("Azure CLI could not be found.\nmore")),
    ).toMatch(/^no Azure credential: .*; Azure CLI could not be found\.$/);
    expect(
      credentialProblem(
        new AuthenticationError(400, {
          error: "invalid_grant",
          error_description: "AADSTS700082: expired",
        }),
      ),
    ).toMatch(/^Azure refused the credential: run az login again/);
  });

  it("leaves any other error alone", () => {
    expect(credentialProblem(new Error("ECONNREFUSED"))).toBeUndefined();
    expect(credentialProblem("a string")).toBeUndefined();
  });
});
