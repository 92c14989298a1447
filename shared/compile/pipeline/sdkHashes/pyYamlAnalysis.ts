import { codePoints } from "../../../compiled/pythonText";

/** What `Emitter.analyze_scalar` finds out about a string: which styles may write it. */
export interface ScalarAnalysis {
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

const SPACE_OR_BREAK = "\0 \t\r\n\x85\u2028\u2029";
const BREAKS = "\n\x85\u2028\u2029";

interface Indicators {
  flow: boolean;
  block: boolean;
}

// The indicator checks of analyze_scalar for the character at `index`.
function checkIndicators(
  found: Indicators,
  ch: string,
  index: number,
  preceded: boolean,
  followed: boolean,
): void {
  if (index === 0) {
    if ("#,[]{}&*!|>'\"%@`".includes(ch)) found.flow = found.block = true;
    if ("?:".includes(ch)) {
      found.flow = true;
      if (followed) found.block = true;
    }
    if (ch === "-" && followed) found.flow = found.block = true;
    return;
  }
  if (",?[]{}".includes(ch)) found.flow = true;
  if (ch === ":") {
    found.flow = true;
    if (followed) found.block = true;
  }
  if (ch === "#" && preceded) found.flow = found.block = true;
}

/** PyYAML 6 `Emitter.analyze_scalar` with allow_unicode off (yaml/emitter.py). */
export function analyzeScalar(scalar: string): ScalarAnalysis {
  if (scalar === "") {
    return {
      empty: true,
      multiline: false,
      allowFlowPlain: false,
      allowBlockPlain: true,
      allowSingleQuoted: true,
    };
  }
  const chars = codePoints(scalar);
  const last = chars.length - 1;
  const startsAsDocument = scalar.startsWith("---") || scalar.startsWith("...");
  const found: Indicators = { flow: startsAsDocument, block: startsAsDocument };
  const isSpaceOrBreak = (index: number) =>
    index > last || SPACE_OR_BREAK.includes(chars[index] ?? "");
  let lineBreaks = false;
  let special = false;
  let edgeSpaceOrBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  for (let index = 0; index <= last; index++) {
    const ch = chars[index] ?? "";
    const preceded = index === 0 || SPACE_OR_BREAK.includes(chars[index - 1] ?? "");
    checkIndicators(found, ch, index, preceded, isSpaceOrBreak(index + 1));
    const isBreak = BREAKS.includes(ch);
    if (isBreak) lineBreaks = true;
    if (!(ch === "\n" || (ch >= " " && ch <= "~"))) special = true;
    if (ch === " " || isBreak) {
      if (index === 0 || index === last) edgeSpaceOrBreak = true;
      if (ch === " " && previousBreak) breakSpace = true;
      if (isBreak && previousSpace) spaceBreak = true;
    }
    previousSpace = ch === " ";
    previousBreak = isBreak;
  }
  const plain = !edgeSpaceOrBreak && !spaceBreak && !special && !lineBreaks;
  return {
    empty: false,
    multiline: lineBreaks,
    allowFlowPlain: plain && !found.flow,
    allowBlockPlain: plain && !found.block,
    allowSingleQuoted: !breakSpace && !spaceBreak && !special,
  };
}
