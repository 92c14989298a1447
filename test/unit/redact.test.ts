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

  describe("encoded forms, as a service may echo them", () => {
    const b64url = (text: string) => Buffer.from(text).toString("base64url");
    const jwt = `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url('{"aud":"https://management.azure.com"}')}.c2lnbmF0dXJlLWJ5dGVz`;
    const signature = "c2lnbmF0dXJlLWJ5dGVz";
    const everyCharEscaped = (text: string) =>
      Array.from(Buffer.from(text), (byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
    const dotsEscaped = jwt.replaceAll(".", "%2E");

    it.each([
      ["a JWT with %2E for its dots", `echo ${dotsEscaped} back`],
      ["a JWT with every character escaped", `token=${everyCharEscaped(jwt)}`],
      ["a JWT escaped twice (%252E)", `x ${jwt.replaceAll(".", "%252E")}`],
      ["a bearer header percent-encoded", `h=Authorization%3A%20Bearer%20${dotsEscaped}`],
      [
        "a bearer header base64-encoded",
        `header ${Buffer.from(`Bearer ${jwt}`).toString("base64")}`,
      ],
      ["a JWT base64url-encoded after a path", `/jobs/${b64url(`{"t":"${jwt}"}`)}`],
      [
        "a JWT base64-encoded, percent-escaped padding",
        `t=${encodeURIComponent(Buffer.from(jwt).toString("base64"))}`,
      ],
    ])("removes %s", (_what, text) => {
      const redacted = redactSecrets(text, {});
      expect(redacted).not.toContain(signature);
      expect(redacted).not.toMatch(/ZXlK|eyJ/);
      expect(redacted).toMatch(/\[redacted/);
    });

    it("removes a secret setting's value percent-encoded or base64-encoded", () => {
      const env = { IDENTITY_HEADER: "abc/def+ghi=jkl.mno" };
      const secret = env.IDENTITY_HEADER;
      for (const text of [
        `got ${encodeURIComponent(secret)} back`,
        `got ${Buffer.from(`header=${secret}`).toString("base64")} back`,
        `got ${Buffer.from(secret).toString("base64url")} back`,
      ]) {
        const redacted = redactSecrets(text, env);
        expect(redacted).toMatch(/^got \[redacted encoded\] back$/);
      }
    });

    it("leaves ordinary encoded text, GUIDs and resource ids as they are", () => {
      const text =
        "event 5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11 ignored: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws model=credit%20risk";
      expect(redactSecrets(text, { IDENTITY_HEADER: "header-value-1234" })).toBe(text);
    });
  });
});
