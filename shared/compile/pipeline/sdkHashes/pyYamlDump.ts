import { codePoints, compareCodePoints, pythonFloatRepr } from "../../../compiled/pythonText";
import { analyzeScalar } from "./pyYamlAnalysis";
import { type PyScalar, type PyValue, resolvePlain } from "./pyYamlResolver";
import {
  increaseIndent,
  newWriter,
  writeDoubleQuoted,
  writeIndent,
  writeIndicator,
  writePlain,
  type Writer,
  writeSingleQuoted,
} from "./pyYamlWriter";

type Node =
  | { kind: "scalar"; tag: "str" | "int" | "float" | "bool" | "null"; value: string }
  | { kind: "seq"; items: Node[] }
  | { kind: "map"; pairs: [Node, Node][] };

/** A value yaml.dump can write: PyYAML-loaded values, or plain objects with string keys. */
export type Dumpable = PyValue | Dumpable[] | Map<PyScalar, Dumpable> | { [key: string]: Dumpable };

// Python's sorted() over a dict's items: strings by code point, numbers by value; keys that
// cannot be compared (str with int, None with anything) make sorted() fail and the order stay.
function sortKeys<T>(pairs: [PyScalar, T][]): [PyScalar, T][] {
  if (pairs.every(([key]) => typeof key === "string")) {
    return [...pairs].sort(([a], [b]) => compareCodePoints(a as string, b as string));
  }
  const numeric = (key: PyScalar) => ["bigint", "number", "boolean"].includes(typeof key);
  if (pairs.length > 1 && pairs.every(([key]) => numeric(key))) {
    return [...pairs].sort(([a], [b]) =>
      Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0,
    );
  }
  return pairs;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return ".nan";
  if (!Number.isFinite(x)) return x > 0 ? ".inf" : "-.inf";
  const value = pythonFloatRepr(x).toLowerCase();
  return !value.includes(".") && value.includes("e") ? value.replace("e", ".0e") : value;
}

function represent(value: Dumpable): Node {
  if (value === null) return { kind: "scalar", tag: "null", value: "null" };
  if (typeof value === "boolean") return { kind: "scalar", tag: "bool", value: String(value) };
  if (typeof value === "bigint") return { kind: "scalar", tag: "int", value: value.toString() };
  if (typeof value === "number") return { kind: "scalar", tag: "float", value: floatText(value) };
  if (typeof value === "string") return { kind: "scalar", tag: "str", value };
  if (Array.isArray(value)) return { kind: "seq", items: value.map(represent) };
  const entries: [PyScalar, Dumpable][] =
    value instanceof Map ? [...value.entries()] : Object.entries(value);
  return { kind: "map", pairs: sortKeys(entries).map(([k, v]) => [represent(k), represent(v)]) };
}

const TAG_TEXT = {
  str: "!!str",
  int: "!!int",
  float: "!!float",
  bool: "!!bool",
  null: "!!null",
} as const;

// check_simple_key: the event's tag ("!!str") counts towards the 128-character limit.
function isSimpleKey(node: Node): boolean {
  if (node.kind !== "scalar") return false;
  const a = analyzeScalar(node.value);
  return (
    TAG_TEXT[node.tag].length + codePoints(node.value).length < 128 && !a.empty && !a.multiline
  );
}

function emitScalar(w: Writer, node: Extract<Node, { kind: "scalar" }>): void {
  increaseIndent(w, true);
  const a = analyzeScalar(node.value);
  const plainTagged = resolvePlain(node.value) === node.tag;
  const plainFits = w.flowLevel > 0 ? a.allowFlowPlain : a.allowBlockPlain;
  const split = !w.simpleKeyContext;
  if (plainTagged && !(w.simpleKeyContext && (a.empty || a.multiline)) && plainFits)
    writePlain(w, node.value, split);
  else if (node.tag !== "str") throw new Error(`PyYAML would tag this ${node.tag}: ${node.value}`);
  else if (a.allowSingleQuoted && !(w.simpleKeyContext && a.multiline))
    writeSingleQuoted(w, node.value, split);
  else writeDoubleQuoted(w, node.value, split);
  w.indent = w.indents.pop() ?? null;
}

function emitNode(
  w: Writer,
  node: Node,
  context: { root?: boolean; mapping?: boolean; simpleKey?: boolean },
): void {
  w.rootContext = context.root ?? false;
  w.simpleKeyContext = context.simpleKey ?? false;
  if (node.kind === "scalar") {
    emitScalar(w, node);
    return;
  }
  const [open, close] = node.kind === "seq" ? ["[", "]"] : ["{", "}"];
  if (w.flowLevel > 0 || (node.kind === "seq" ? node.items.length : node.pairs.length) === 0) {
    if (node.kind === "seq" ? node.items.length : node.pairs.length)
      throw new Error("flow collections are not supported");
    writeIndicator(w, open, true, true);
    writeIndicator(w, close, false);
    return;
  }
  if (node.kind === "seq") {
    increaseIndent(w, false, (context.mapping ?? false) && !w.indention);
    for (const item of node.items) {
      writeIndent(w);
      writeIndicator(w, "-", true, false, true);
      emitNode(w, item, {});
    }
  } else {
    increaseIndent(w, false);
    for (const [key, value] of node.pairs) {
      writeIndent(w);
      if (isSimpleKey(key)) {
        emitNode(w, key, { mapping: true, simpleKey: true });
        writeIndicator(w, ":", false);
      } else {
        writeIndicator(w, "?", true, false, true);
        emitNode(w, key, { mapping: true });
        writeIndent(w);
        writeIndicator(w, ":", true, false, true);
      }
      emitNode(w, value, { mapping: true });
    }
  }
  w.indent = w.indents.pop() ?? null;
}

/**
 * PyYAML 6 `yaml.dump(value, sort_keys=True)` with azure-ai-ml's `dump_yaml` dumper: block style,
 * keys sorted, width 80, non-ASCII escaped. Anchors, tags and multi-line block styles are not written.
 */
export function dumpPyYaml(value: Dumpable): string {
  const w = newWriter();
  const root = represent(value);
  emitNode(w, root, { root: true });
  writeIndent(w);
  if (w.openEnded) {
    writeIndicator(w, "...", true);
    writeIndent(w);
  }
  return w.out.join("");
}
