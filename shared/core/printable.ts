import { redactSecrets } from "../redact";

// Event content reaches logs: control characters would let it forge lines, and bidi controls and
// other format characters (U+202E, U+200F, U+2066, U+FEFF…) would make a line read as it is not.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** The longest line an outcome prints; a longer one is cut and says how much was left out. */
export const LINE_LIMIT = 4000;

/** Text made safe for one log line: secrets redacted, unprintable characters escaped, at most `limit` characters (and the note of what was cut). */
export function printable(text: string, limit = LINE_LIMIT): string {
  const escaped = redactSecrets(text).replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  if (escaped.length <= limit) return escaped;
  // Never cut inside an escape or a surrogate pair.
  const head = escaped
    .slice(0, limit)
    .replace(/\\u\{?[0-9a-f]*$/, "")
    .replace(/[\ud800-\udbff]$/, "");
  return `${head}… (${escaped.length - head.length} more characters)`;
}

/** At most `max` items joined, then how many more there were. */
export function boundedList(items: readonly string[], separator: string, max = 10): string {
  const shown = items.slice(0, max).join(separator);
  return items.length > max ? `${shown}${separator}… and ${items.length - max} more` : shown;
}
