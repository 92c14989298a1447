import { readFileSync, statSync } from "node:fs";

import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { $ZodIssue, $ZodType } from "zod/v4/core";

import { errorMessage } from "../errors";
import { type ConfigIssue, formatPath } from "./configError";

/** A parsed YAML file that can say where a path inside it is. */
export interface YamlFile {
  file: string;
  data: unknown;
  /** An issue located at `path` (or at the nearest part of it that exists). */
  issueAt(path: readonly PropertyKey[], message: string): ConfigIssue;
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

  const issueAt = (path: readonly PropertyKey[], message: string): ConfigIssue => {
    let node: unknown = doc.contents;
    let at: Node | null = doc.contents;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) break;
        // Point at the key: it is where a reader looks for "workflows[0].retries".
        at = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) break;
        at = item as Node;
        node = item;
      } else break;
    }
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
  return { ok: true, value: { file: displayName, data, issueAt } };
}

/** Runs a zod schema over a YAML file's data; each zod issue becomes a located config issue. */
export function parseWithSchema<T>(
  yaml: YamlFile,
  schema: $ZodType<T> & {
    safeParse(
      data: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: $ZodIssue[] } };
  },
  hint?: (issue: $ZodIssue) => string | undefined,
): { ok: true; value: T } | { ok: false; issues: ConfigIssue[] } {
  const parsed = schema.safeParse(yaml.data);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const keyIssue = { ...issue, path: [...issue.path, key] };
        return yaml.issueAt(keyIssue.path, hint?.(keyIssue) ?? `unknown key "${key}"`);
      });
    }
    const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
    const last = issue.path[issue.path.length - 1];
    const topLevel = issue.path.length === 0 && issue.code === "invalid_type";
    const found =
      yaml.data === null ? "empty" : Array.isArray(yaml.data) ? "a list" : `a ${typeof yaml.data}`;
    const message =
      missing && typeof last === "string"
        ? `missing required key "${last}"`
        : topLevel
          ? `the file must be a YAML mapping (key: value), not ${found}`
          : issue.message;
    return [yaml.issueAt(issue.path, hint?.(issue) ?? message)];
  });
  return { ok: false, issues };
}
