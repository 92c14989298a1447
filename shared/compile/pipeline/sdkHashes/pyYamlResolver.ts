import { codePoints } from "../../../compiled/pythonText";

// PyYAML 6's implicit resolvers (yaml/resolver.py, YAML 1.1): which tag a plain scalar gets. The
// loader uses them to type what it reads, the dumper to decide whether a string may stay plain.

/** A Python value as PyYAML loads and dumps it: `bigint` is an int, `number` a float. */
export type PyScalar = null | boolean | bigint | number | string;

/** A loaded YAML value; mappings keep insertion order and may have non-string keys. */
export type PyValue = PyScalar | PyValue[] | Map<PyScalar, PyValue>;

type Tag = "null" | "bool" | "int" | "float" | "merge" | "timestamp" | "value";

const RESOLVERS: readonly { tag: Tag; regex: RegExp; first: readonly string[] }[] = [
  {
    tag: "bool",
    regex: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    first: codePoints("yYnNtTfFoO"),
  },
  {
    tag: "float",
    regex:
      /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    first: codePoints("-+0123456789."),
  },
  {
    tag: "int",
    regex:
      /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    first: codePoints("-+0123456789"),
  },
  { tag: "merge", regex: /^(?:<<)$/, first: ["<"] },
  { tag: "null", regex: /^(?:~|null|Null|NULL|)$/, first: ["~", "n", "N", ""] },
  {
    tag: "timestamp",
    regex:
      /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    first: codePoints("0123456789"),
  },
  { tag: "value", regex: /^(?:=)$/, first: ["="] },
];

/** `Resolver.resolve(ScalarNode, value, (True, False))`: the tag of a plain scalar, "str" if none. */
export function resolvePlain(value: string): Tag | "str" {
  const first = codePoints(value)[0] ?? "";
  for (const resolver of RESOLVERS) {
    if (resolver.first.includes(first) && resolver.regex.test(value)) return resolver.tag;
  }
  return "str";
}

function sexagesimal(parts: readonly string[]): bigint {
  return parts.reduce((total, part) => total * 60n + BigInt(part), 0n);
}

/** `SafeConstructor.construct_yaml_int`. */
export function constructInt(text: string): bigint {
  let value = text.replaceAll("_", "");
  const sign = value.startsWith("-") ? -1n : 1n;
  if (value.startsWith("-") || value.startsWith("+")) value = value.slice(1);
  if (value === "0") return 0n;
  if (value.startsWith("0b")) return sign * BigInt(`0b${value.slice(2)}`);
  if (value.startsWith("0x")) return sign * BigInt(`0x${value.slice(2)}`);
  if (value.startsWith("0")) return sign * BigInt(`0o${value.slice(1)}`);
  if (value.includes(":")) return sign * sexagesimal(value.split(":"));
  return sign * BigInt(value);
}

/** `SafeConstructor.construct_yaml_float`. */
export function constructFloat(text: string): number {
  let value = text.replaceAll("_", "").toLowerCase();
  const sign = value.startsWith("-") ? -1 : 1;
  if (value.startsWith("-") || value.startsWith("+")) value = value.slice(1);
  if (value === ".inf") return sign * Infinity;
  if (value === ".nan") return NaN;
  if (value.includes(":")) {
    return sign * value.split(":").reduce((total, part) => total * 60 + Number(part), 0);
  }
  return sign * Number(value);
}

/** A plain scalar as `yaml.safe_load` types it. Timestamps, merge keys and `=` are not supported. */
export function constructPlain(value: string): PyScalar {
  const tag = resolvePlain(value);
  switch (tag) {
    case "null":
      return null;
    case "bool":
      return ["yes", "true", "on"].includes(value.toLowerCase());
    case "int":
      return constructInt(value);
    case "float":
      return constructFloat(value);
    case "str":
      return value;
    default:
      throw new Error(`unsupported YAML scalar (${tag}): ${value}`);
  }
}
