import { compareCodePoints, pythonFloatRepr } from "./pythonText";

/** A JSON value as JavaScript holds it; `bigint` stands for a Python int too large for a number. */
export type JsonLike =
  null | boolean | number | bigint | string | JsonLike[] | { [key: string]: JsonLike | undefined };

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

// json.dumps(ensure_ascii=True): anything outside ' '..'~' becomes \uXXXX (lower-case hex), an
// astral character as its UTF-16 pair, exactly as JavaScript strings already hold it.
function pythonJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = String.fromCharCode(code);
    const escaped = ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

// A JavaScript number cannot say whether Python held 1 or 1.0: a safe integer is written as an
// int, anything else as a float (pass a bigint for a larger int).
function pythonJsonNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (Number.isSafeInteger(value)) return String(value);
  return pythonFloatRepr(value);
}

/**
 * Python's `json.dumps(value, sort_keys=True)`: `", "` and `": "` separators, keys in code-point
 * order, ASCII only. `undefined` members are left out, as JSON.stringify would.
 */
export function pythonJsonDumps(value: JsonLike): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return pythonJsonNumber(value);
  if (typeof value === "string") return pythonJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  const members = Object.entries(value)
    .filter((entry): entry is [string, JsonLike] => entry[1] !== undefined)
    .sort(([a], [b]) => compareCodePoints(a, b));
  return `{${members.map(([key, member]) => `${pythonJsonString(key)}: ${pythonJsonDumps(member)}`).join(", ")}}`;
}
