import { readFileSync } from "node:fs";

import { parse, type ParseError } from "jsonc-parser";

/** A JSON file that does not parse, with where: `file:line:col: not valid JSON: what is wrong`. */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: not valid JSON: ${reason}`);
  }
}

/** 1-based line and column of a character offset (a column counts UTF-16 units, as editors mostly do). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines.at(-1) ?? "").length + 1 };
}

/**
 * The offset of the first character that breaks the JSON grammar (RFC 8259), or -1 when there is
 * none: V8's messages carry a position for most errors but not for "Unexpected token" or an early end.
 */
export function jsonErrorOffset(text: string): number {
  const errors: ParseError[] = [];
  parse(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  return errors[0]?.offset ?? -1;
}

/** What is wrong at `offset`, in words: the mistakes people make named, V8's text otherwise. */
function reasonAt(text: string, offset: number, v8Message: string): string {
  const rest = text.slice(offset);
  if (/^[}\]]/.test(rest) && /,\s*$/.test(text.slice(0, offset)))
    return `a trailing comma before '${rest.charAt(0)}' (JSON allows none)`;
  if (/^\/[/*]/.test(rest)) return "a comment (JSON allows none)";
  if (offset >= text.length) return "the file ends too early (a missing '}', ']' or '\"'?)";
  if (rest.startsWith("'")) return "a single-quoted string (JSON strings take double quotes)";
  // V8 names no position for a bad token, and may name the character after it: name the word here.
  if (!/at position \d+/.test(v8Message))
    return `Unexpected token '${/^[^\s,:{}[\]"]+/.exec(rest)?.[0] ?? rest.charAt(0)}'`;
  // "Expected ',' or '}' after property value in JSON at position 7" → "Expected ',' or '}' after property value"
  return v8Message.replace(/( in JSON)? at position \d+.*$/s, "");
}

/** Parses JSON text read from `file`; a syntax error becomes a JsonSyntaxError at file:line:col. */
export function parseJson(text: string, file: string): unknown {
  // Windows editors may save a byte-order mark, which JSON.parse refuses.
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // V8's position when it gives one; our own scan where it does not.
    const stated = /at position (\d+)/.exec(error.message)?.[1];
    const found = stated === undefined ? jsonErrorOffset(body) : Number(stated);
    let offset = found >= 0 ? found : body.length;
    const reason = reasonAt(body, offset, error.message);
    // A trailing comma is pointed at where it is, not where the brace after it is.
    if (reason.startsWith("a trailing comma")) offset = body.slice(0, offset).lastIndexOf(",");
    const { line, column } = lineColumn(body, offset);
    throw new JsonSyntaxError(file, line, column, reason);
  }
}

/** Reads and parses a JSON file; a read error (ENOENT, EISDIR) is thrown as it is. */
export function readJsonFile(file: string): unknown {
  return parseJson(readFileSync(file, "utf8"), file);
}
