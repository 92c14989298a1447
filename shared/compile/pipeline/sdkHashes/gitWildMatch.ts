import { codePoints } from "../../../compiled/pythonText";

// A port of the pathspec code azure-ai-ml 1.10.0 vendors (azure/ai/ml/_utils/_pathspec.py,
// GitWildMatchPattern.pattern_to_regex and _translate_segment_glob), which decides what an
// `.amlignore` / `.gitignore` line leaves out. It is not git's own matcher: each path is tested on
// its own, so a `!rule` re-includes a file even under an excluded folder.

/** One compiled ignore line: `include` true means "matched files are left out". */
export interface WildMatchPattern {
  regex: RegExp;
  include: boolean;
}

const REGEX_SPECIAL = new Set(codePoints("()[]{}?*+-|^$\\.&~# \t\n\r\v\f/"));

function escapeChar(char: string): string {
  return REGEX_SPECIAL.has(char) ? `\\${char}` : char;
}

/** `_translate_segment_glob`: one path segment's glob as a regular expression. */
export function translateSegmentGlob(pattern: string): string {
  const chars = codePoints(pattern);
  const end = chars.length;
  let regex = "";
  let escape = false;
  let i = 0;
  while (i < end) {
    const char = chars[i++] ?? "";
    if (escape) {
      escape = false;
      regex += escapeChar(char);
    } else if (char === "\\") escape = true;
    else if (char === "*") regex += "[^/]*";
    else if (char === "?") regex += "[^/]";
    else if (char === "[") {
      let j = i;
      if (j < end && chars[j] === "!") j++;
      if (j < end && chars[j] === "]") j++;
      while (j < end && chars[j] !== "]") j++;
      if (j < end) {
        j++;
        let expr = "[";
        if (chars[i] === "!") {
          expr += "^";
          i++;
        } else if (chars[i] === "^") {
          expr += "\\^";
          i++;
        }
        const body = chars.slice(i, j).join("").replaceAll("\\", "\\\\");
        // Python reads a leading `]` as a member of the set; JavaScript would close an empty set.
        regex += expr + (body.startsWith("]") ? `\\${body}` : body);
        i = j;
      } else regex += "\\[";
    } else regex += escapeChar(char);
  }
  if (escape) throw new Error(`escape character with nothing to escape: ${pattern}`);
  return regex;
}

function segmentsToRegex(segs: string[]): string {
  const output = ["^"];
  let needSlash = false;
  const end = segs.length - 1;
  segs.forEach((seg, i) => {
    if (seg === "**") {
      if (i === 0 && i === end) output.push(".+");
      else if (i === 0) {
        output.push("(?:.+/)?");
        needSlash = false;
      } else if (i === end) output.push("(?<ps_d>/).*");
      else {
        output.push("(?:/.+)?");
        needSlash = true;
      }
      return;
    }
    if (needSlash) output.push("/");
    output.push(seg === "*" ? "[^/]+" : translateSegmentGlob(seg));
    if (i === end) output.push("(?:(?<ps_d>/).*)?");
    needSlash = true;
  });
  output.push("$");
  return output.join("");
}

/** `GitWildMatchPattern(line)`: the compiled pattern, or null for a blank line, a comment or a lone `/`. */
export function compileWildMatch(line: string): WildMatchPattern | null {
  // Python's str.strip(): leading whitespace goes too, unlike git.
  let pattern = line.trim();
  if (pattern === "" || pattern.startsWith("#") || pattern === "/") return null;
  let include = true;
  if (pattern.startsWith("!")) {
    include = false;
    pattern = pattern.slice(1);
  }
  const segs = pattern.split("/");
  for (let i = segs.length - 1; i > 0; i--) {
    if (segs[i - 1] === "**" && segs[i] === "**") segs.splice(i, 1);
  }
  let override: string | undefined;
  if (segs.length === 2 && segs[0] === "**" && segs[1] === "") override = "^.+(?<ps_d>/).*$";
  if (segs[0] === "") segs.shift();
  else if (segs.length === 1 || (segs.length === 2 && segs[1] === "")) {
    if (segs[0] !== "**") segs.unshift("**");
  }
  if (segs.length === 0) throw new Error(`invalid git pattern: ${line}`);
  if (segs.length > 1 && segs[segs.length - 1] === "") segs[segs.length - 1] = "**";
  return { regex: new RegExp(override ?? segmentsToRegex(segs)), include };
}

/** `normalize_file`: POSIX separators, no leading `/` or `./`. */
export function normalizeFile(file: string, separators: readonly string[] = []): string {
  let norm = file;
  for (const sep of separators) norm = norm.split(sep).join("/");
  if (norm.startsWith("/")) return norm.slice(1);
  if (norm.startsWith("./")) return norm.slice(2);
  return norm;
}
