import { codePoints } from "../../../compiled/pythonText";

// The low-level half of PyYAML 6's Emitter (yaml/emitter.py) with yaml.dump's defaults: width 80,
// indent 2, "\n" line breaks, allow_unicode off. Strings are handled as code points, as Python does.

/** The emitter's position and context, as the Python fields of the same names. */
export interface Writer {
  out: string[];
  column: number;
  whitespace: boolean;
  indention: boolean;
  indent: number | null;
  indents: (number | null)[];
  flowLevel: number;
  rootContext: boolean;
  simpleKeyContext: boolean;
  openEnded: boolean;
}

/** `best_width` and `best_indent`. */
export const BEST_WIDTH = 80;
export const BEST_INDENT = 2;

const BREAKS = "\n\x85\u2028\u2029";

/** A fresh emitter at the start of a stream. */
export function newWriter(): Writer {
  return {
    out: [],
    column: 0,
    whitespace: true,
    indention: true,
    indent: null,
    indents: [],
    flowLevel: 0,
    rootContext: false,
    simpleKeyContext: false,
    openEnded: false,
  };
}

function put(w: Writer, data: string): void {
  w.column += codePoints(data).length;
  w.out.push(data);
}

/** `increase_indent`. */
export function increaseIndent(w: Writer, flow: boolean, indentless = false): void {
  w.indents.push(w.indent);
  if (w.indent === null) w.indent = flow ? BEST_INDENT : 0;
  else if (!indentless) w.indent += BEST_INDENT;
}

/** `write_indicator`. */
export function writeIndicator(
  w: Writer,
  indicator: string,
  needWhitespace: boolean,
  whitespace = false,
  indention = false,
): void {
  const data = w.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
  w.whitespace = whitespace;
  w.indention = w.indention && indention;
  w.openEnded = false;
  put(w, data);
}

/** `write_line_break`. */
export function writeLineBreak(w: Writer, data = "\n"): void {
  w.whitespace = true;
  w.indention = true;
  w.column = 0;
  w.out.push(data);
}

/** `write_indent`. */
export function writeIndent(w: Writer): void {
  const indent = w.indent ?? 0;
  if (!w.indention || w.column > indent || (w.column === indent && !w.whitespace))
    writeLineBreak(w);
  if (w.column < indent) {
    w.whitespace = true;
    w.out.push(" ".repeat(indent - w.column));
    w.column = indent;
  }
}

function writeBreaks(w: Writer, chars: readonly string[], start: number, end: number): void {
  if (chars[start] === "\n") writeLineBreak(w);
  for (const br of chars.slice(start, end)) writeLineBreak(w, br);
  writeIndent(w);
}

/** `write_plain`. */
export function writePlain(w: Writer, text: string, split: boolean): void {
  if (w.rootContext) w.openEnded = true;
  if (text === "") return;
  if (!w.whitespace) put(w, " ");
  w.whitespace = false;
  w.indention = false;
  const chars = codePoints(text);
  let spaces = false;
  let breaks = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = chars[end];
    if (spaces) {
      if (ch !== " ") {
        if (start + 1 === end && w.column > BEST_WIDTH && split) {
          writeIndent(w);
          w.whitespace = false;
          w.indention = false;
        } else put(w, chars.slice(start, end).join(""));
        start = end;
      }
    } else if (breaks) {
      if (ch === undefined || !BREAKS.includes(ch)) {
        writeBreaks(w, chars, start, end);
        w.whitespace = false;
        w.indention = false;
        start = end;
      }
    } else if (ch === undefined || ` ${BREAKS}`.includes(ch)) {
      put(w, chars.slice(start, end).join(""));
      start = end;
    }
    if (ch !== undefined) {
      spaces = ch === " ";
      breaks = BREAKS.includes(ch);
    }
  }
}

/** `write_single_quoted`. */
export function writeSingleQuoted(w: Writer, text: string, split: boolean): void {
  writeIndicator(w, "'", true);
  const chars = codePoints(text);
  let spaces = false;
  let breaks = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = chars[end];
    if (spaces) {
      if (ch !== " ") {
        if (
          start + 1 === end &&
          w.column > BEST_WIDTH &&
          split &&
          start !== 0 &&
          end !== chars.length
        ) {
          writeIndent(w);
        } else put(w, chars.slice(start, end).join(""));
        start = end;
      }
    } else if (breaks) {
      if (ch === undefined || !BREAKS.includes(ch)) {
        writeBreaks(w, chars, start, end);
        start = end;
      }
    } else if ((ch === undefined || ` ${BREAKS}'`.includes(ch)) && start < end) {
      put(w, chars.slice(start, end).join(""));
      start = end;
    }
    if (ch === "'") {
      put(w, "''");
      start = end + 1;
    }
    if (ch !== undefined) {
      spaces = ch === " ";
      breaks = BREAKS.includes(ch);
    }
  }
  writeIndicator(w, "'", false);
}

const ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\x08": "b",
  "\x09": "t",
  "\x0A": "n",
  "\x0B": "v",
  "\x0C": "f",
  "\x0D": "r",
  "\x1B": "e",
  '"': '"',
  "\\": "\\",
  "\x85": "N",
  "\xA0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const named = ESCAPES[ch];
  if (named !== undefined) return `\\${named}`;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, "0")}`;
  return `\\U${hex.padStart(8, "0")}`;
}

/** `write_double_quoted` (allow_unicode off: everything outside printable ASCII is escaped). */
export function writeDoubleQuoted(w: Writer, text: string, split: boolean): void {
  writeIndicator(w, '"', true);
  const chars = codePoints(text);
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = chars[end];
    if (ch === undefined || '"\\'.includes(ch) || ch < " " || ch > "~") {
      if (start < end) {
        put(w, chars.slice(start, end).join(""));
        start = end;
      }
      if (ch !== undefined) {
        put(w, escapeChar(ch));
        start = end + 1;
      }
    }
    if (
      0 < end &&
      end < chars.length - 1 &&
      (ch === " " || start >= end) &&
      w.column + (end - start) > BEST_WIDTH &&
      split
    ) {
      put(w, `${chars.slice(start, end).join("")}\\`);
      if (start < end) start = end;
      writeIndent(w);
      w.whitespace = false;
      w.indention = false;
      if (chars[start] === " ") put(w, "\\");
    }
  }
  writeIndicator(w, '"', false);
}
