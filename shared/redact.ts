/**
 * The one redaction path: text from ARM, the identity endpoint or storage passes through here before
 * it reaches a log line, a rejection record or an HTTP answer. It removes bearer tokens and JWTs,
 * Authorization and identity-header values, SAS signatures, account and shared-access keys, and
 * the values of this process's own secret settings wherever they appear — also when they arrive
 * percent-encoded (`%2E` for `.`) or base64(-url)-encoded, as an echoing service may send them.
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

// Encoded text: a run with percent escapes, or a run of 20+ base64(-url) characters that is not
// all hex and dashes (GUIDs, hashes). A run that decodes to something secret is replaced whole
// (its decoded form may hold newlines or quotes).
const PERCENT_RUN = /(?<![^\s"'<>])[^\s"'<>]*%[0-9A-Fa-f]{2}[^\s"'<>]*/g;
const MIN_BASE64_RUN = 20;
// Double encoding (`%252E`, base64 of a percent-encoded token) unwraps one layer per level.
const MAX_DEPTH = 3;
const ENCODED_MARKER = "[redacted encoded]";
const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// Per ASCII code: 0 not base64, 1 base64 and hex or dash, 2 other base64; a loop over this table
// is several times faster than a regex for the common text that holds no run at all.
const BASE64_KIND = new Uint8Array(128);
for (const c of `${BASE64_ALPHABET}-_`)
  BASE64_KIND[c.charCodeAt(0)] = /[0-9a-fA-F-]/.test(c) ? 1 : 2;

/** `text` with every secret it may carry replaced by a marker. */
export function redactSecrets(
  text: string,
  env: Record<string, string | undefined> = process.env,
): string {
  const secrets: string[] = [];
  for (const name of SECRET_SETTINGS) {
    const value = env[name];
    if (value !== undefined && value.length >= 8) secrets.push(value);
  }
  return redactAt(text, secrets, 0);
}

function redactAt(text: string, secrets: readonly string[], depth: number): string {
  let result = text;
  for (const value of secrets) result = result.split(value).join("[redacted]");
  // Most text holds none of the markers and no encoded run: a few cheap tests, not every pattern
  // and decoder (this runs per log line).
  if (MARKERS.test(result))
    for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  if (depth >= MAX_DEPTH) return result;
  const percent = result.includes("%");
  const runs = base64Runs(result);
  if (!percent && runs.length === 0) return result;
  const holdsSecret = (decoded: string) => redactAt(decoded, secrets, depth + 1) !== decoded;
  // From the last run back, so earlier offsets stay valid.
  for (const [start, end] of runs.reverse())
    if (base64Readings(result.slice(start, end)).some(holdsSecret))
      result = result.slice(0, start) + ENCODED_MARKER + result.slice(end);
  if (percent)
    result = result.replace(PERCENT_RUN, (run) =>
      holdsSecret(percentDecode(run)) ? ENCODED_MARKER : run,
    );
  return result;
}

/** [start, end) of each run of 20+ base64(-url) characters that is not all hex and dashes. */
function base64Runs(text: string): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  let other = false;
  for (let i = 0; i <= text.length; i++) {
    const kind = i < text.length ? (BASE64_KIND[text.charCodeAt(i)] ?? 0) : 0;
    if (kind !== 0) {
      if (start < 0) {
        start = i;
        other = false;
      }
      if (kind === 2) other = true;
      continue;
    }
    if (start >= 0 && other && i - start >= MIN_BASE64_RUN) {
      let end = i;
      while (end < i + 2 && text[end] === "=") end += 1;
      runs.push([start, end]);
    }
    start = -1;
  }
  return runs;
}

function percentDecode(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
  }
}

/**
 * The run decoded from each offset at which it can be base64 of text. The run may start mid-way
 * into other text ("/jobs/ZXlK…"), so each of the 4 offsets is tried; but every 4 characters of
 * base64 of printable ASCII (0x20–0x7e) have telltale bits, which rule out GUIDs, ids and words cheaply.
 */
function base64Readings(run: string): string[] {
  const readings: string[] = [];
  for (let offset = 0; offset < 4; offset++) {
    let groups = 0;
    let other = 0;
    for (let i = offset; i + 4 <= run.length && other * 8 <= groups + 8; i += 4) {
      groups += 1;
      if (!printableGroup(run, i)) other += 1;
    }
    // A little non-ASCII (UTF-8 text) is allowed; most must be printable ASCII.
    if (groups >= 4 && other * 8 <= groups)
      readings.push(Buffer.from(run.slice(offset), "base64").toString("latin1"));
  }
  return readings;
}

const BASE64_INDEX = new Int8Array(128).fill(-1);
for (let index = 0; index < 64; index++) BASE64_INDEX[BASE64_ALPHABET.charCodeAt(index)] = index;
BASE64_INDEX["-".charCodeAt(0)] = 62;
BASE64_INDEX["_".charCodeAt(0)] = 63;

// Three bytes b0 b1 b2 of 0x20–0x7e: the 1st character is b0 >> 2 (8–31), the 2nd holds b1's high
// nibble (2–7) in its low 4 bits, the 3rd holds b2's top 2 bits (0 or 1) in its low 2 bits.
function printableGroup(run: string, i: number): boolean {
  const c0 = BASE64_INDEX[run.charCodeAt(i)] ?? -1;
  const c1 = BASE64_INDEX[run.charCodeAt(i + 1)] ?? -1;
  const c2 = BASE64_INDEX[run.charCodeAt(i + 2)] ?? -1;
  return c0 >= 8 && c0 <= 31 && (c1 & 15) >= 2 && (c1 & 15) <= 7 && (c2 & 3) <= 1;
}
