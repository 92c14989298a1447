import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar } from "yaml";

import { constructPlain, type PyScalar, type PyValue } from "./pyYamlResolver";

const STR_TAG = "tag:yaml.org,2002:str";

function toPy(node: unknown): PyValue {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) throw new Error("YAML aliases are not supported");
  if (isScalar(node)) {
    const text = String(node.value);
    if (node.tag === STR_TAG) return text;
    if (node.tag !== undefined) throw new Error(`unsupported YAML tag ${node.tag}`);
    return node.type === Scalar.PLAIN ? constructPlain(text) : text;
  }
  if (isSeq(node)) return node.items.map(toPy);
  if (isMap(node)) {
    const map = new Map<PyScalar, PyValue>();
    for (const pair of node.items) {
      const key = toPy(pair.key);
      if (typeof key === "object" && key !== null) throw new Error("YAML keys must be scalars");
      // A repeated key keeps its first place and takes its last value, as a Python dict does.
      map.set(key, toPy(pair.value));
    }
    return map;
  }
  throw new Error("unsupported YAML node");
}

/**
 * `yaml.safe_load(text)` as azure-ai-ml's `load_yaml` calls it (utf-8-sig, YAML 1.1 typing):
 * plain scalars typed by PyYAML's resolvers, quoted and block scalars kept as strings.
 */
export function loadPyYaml(text: string): PyValue {
  const doc = parseDocument(text.replace(/^\uFEFF/, ""), { schema: "failsafe", uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join("; "));
  return toPy(doc.contents);
}
