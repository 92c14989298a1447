import { readFileSync, statSync } from "node:fs";

import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

import { errorMessage } from "../../errors";
import { type ConfigIssue, formatPath } from "./configError";

/** A parsed YAML file that can say where a path inside it is. */
export interface YamlFile {
  file: string;
  data: unknown;
  /** An issue located at `path` (or at the nearest part of it that exists). */
  issueAt(path: readonly PropertyKey[], message: string): ConfigIssue;
  /** The text a scalar at `path` was written as (`1.0` stays `1.0`), when there is one. */
  sourceAt(path: readonly PropertyKey[]): string | undefined;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads and parses a YAML file; syntax problems come back as located issues. */
export function readYamlFile(
  file: string,
  displayName = file,
): { ok: true; value: YamlFile } | { ok: false; issues: ConfigIssue[] } {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) {
      return {
        ok: false,
        issues: [
          {
            file: displayName,
            path: "",
            message: `file is ${size} bytes; the limit is ${MAX_CONFIG_BYTES}`,
          },
        ],
      };
    }
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      issues: [
        {
          file: displayName,
          path: "",
          message:
            code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(error)})`,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          file: displayName,
          line: pos.line,
          column: pos.col,
          path: "",
          message: `YAML syntax: ${e.message.split("\n")[0] ?? e.code}`,
        };
      }),
    };
  }
  let data: unknown;
  try {
    // A low alias budget refuses "billion laughs" documents.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      issues: [{ file: displayName, path: "", message: `YAML: ${errorMessage(error)}` }],
    };
  }

  // Walks as far along `path` as the document goes: the node there, and where to point a reader.
  const walk = (path: readonly PropertyKey[]) => {
    let node: unknown = doc.contents;
    let at: Node | null = doc.contents;
    let complete = true;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) {
          complete = false;
          break;
        }
        // Point at the key: it is where a reader looks for "workflows[0].retries".
        at = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) {
          complete = false;
          break;
        }
        at = item as Node;
        node = item;
      } else {
        complete = false;
        break;
      }
    }
    return { node: complete ? node : undefined, at };
  };
  const sourceAt = (path: readonly PropertyKey[]) => {
    const { node } = walk(path);
    return isScalar(node) ? node.source : undefined;
  };
  const issueAt = (path: readonly PropertyKey[], message: string): ConfigIssue => {
    const { at } = walk(path);
    const offset = at?.range?.[0];
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    return {
      file: displayName,
      line: pos?.line,
      column: pos?.col,
      path: formatPath(path),
      message,
    };
  };
  return { ok: true, value: { file: displayName, data, issueAt, sourceAt } };
}
