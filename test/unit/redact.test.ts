import { describe, expect, it } from "vitest";

import { redactSecrets } from "../../shared/redact";

describe("redactSecrets, the one redaction path", () => {
  it.each([
    ["a bearer token", "Authorization: Bearer abc.DEF-123_ghi~456+/=", "abc.DEF-123_ghi~456"],
    [
      "a JWT on its own",
      "token eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4",
      "eyJhbGciOiJIUzI1",
    ],
    ['an "authorization" header in JSON', '{"authorization":"Basic dXNlcjpwYXNz"}', "dXNlcjpwYXNz"],
    ["an identity header", "X-IDENTITY-HEADER: 7f3e9c1d-identity", "7f3e9c1d-identity"],
    [
      "a SAS signature",
      "https://a.blob.core.windows.net/c/b?sv=2021-08-06&sig=AbC%2Fdef%3D&se=x",
      "AbC%2Fdef%3D",
    ],
    [
      "an account key",
      "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0a2V5PT0=;",
      "c2VjcmV0a2V5PT0=",
    ],
    [
      "a shared access key",
      "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=s3cr3tK3y",
      "s3cr3tK3y",
    ],
    ["an access_token field", '{"access_token":"opaque-token-value"}', "opaque-token-value"],
  ])("removes %s", (_what, text, secret) => {
    const redacted = redactSecrets(text, {});
    expect(redacted).not.toContain(secret);
    expect(redacted).toMatch(/\[redacted/);
  });

  it("removes the values of this process's secret settings wherever they appear, and keeps the rest", () => {
    const env = { IDENTITY_HEADER: "header-value-1234", AML_WORKSPACE_ID: "/subscriptions/x" };
    expect(redactSecrets("got header-value-1234 back from /subscriptions/x", env)).toBe(
      "got [redacted] back from /subscriptions/x",
    );
    expect(redactSecrets("ARM answered 400: UserError: Component train:1 not found", env)).toBe(
      "ARM answered 400: UserError: Component train:1 not found",
    );
  });
});
