/**
 * The one redaction path: text from ARM, the identity endpoint or storage passes through here before
 * it reaches a log line, a rejection record or an HTTP answer. It removes bearer tokens and JWTs,
 * Authorization and identity-header values, SAS signatures, account and shared-access keys, and
 * the values of this process's own secret settings wherever they appear.
 */
const PATTERNS: [RegExp, string][] = [
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, "$1 [redacted]"],
  [/\beyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]+/g, "[redacted token]"],
  // An Authorization value runs to the end of the header: "Basic xyz", "SharedKey a:b".
  [/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, "$1[redacted]"],
  [
    /((?:x-identity-header|x-ms-identity-header|secret|client_secret|access_token|refresh_token)["']?\s*[:=]\s*["']?)[^"',;&\s}]+/gi,
    "$1[redacted]",
  ],
  [/\b(sig|sv-sig|skoid-sig)=[^&\s"'<>]+/gi, "$1=[redacted]"],
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature)=[^;\s"'<>]+/gi, "$1=[redacted]"],
];

/** Something every pattern above needs; text without any of these has nothing to redact. */
const MARKERS =
  /bearer|eyj|authorization|identity-header|secret|access_token|refresh_token|sig=|accountkey=|sharedaccess/i;

/** Settings whose values are secrets wherever they show up (the identity header is one). */
const SECRET_SETTINGS = [
  "IDENTITY_HEADER",
  "MSI_SECRET",
  "AZURE_CLIENT_SECRET",
  "AzureWebJobsStorage",
];

/** `text` with every secret it may carry replaced by a marker. */
export function redactSecrets(
  text: string,
  env: Record<string, string | undefined> = process.env,
): string {
  let result = text;
  for (const name of SECRET_SETTINGS) {
    const value = env[name];
    if (value !== undefined && value.length >= 8) result = result.split(value).join("[redacted]");
  }
  // Most text holds none of the markers: one test instead of every pattern (this runs per log line).
  if (!MARKERS.test(result)) return result;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
