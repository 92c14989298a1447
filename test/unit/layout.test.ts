import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";

import { describe, expect, it } from "vitest";

// Compile once, submit many, visible in the layout: shared/compile/ reads YAML and compiles (the
// commands use it); the rest of shared/ matches, binds and submits compiled JSON (all the function
// loads); shared/compiled/ is the format between them. These tests read every import and pin the arrows.

const ROOT = resolve(__dirname, "..", "..");
const COMPILE = "shared/compile/";
const COMPILED = "shared/compiled/";
/** Generic helpers the format may use besides itself. */
const FORMAT_MAY_USE = [
  "shared/guards.ts",
  "shared/result.ts",
  "shared/errors.ts",
  "shared/constants.ts",
];
/** Files the format may import types from, and nothing else. */
const FORMAT_MAY_USE_TYPES = ["shared/aml/workspace.ts"];

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

// `import … from "…"`, `export … from "…"`, `import "…"` and `import("…")`; group 2 marks `type`.
const STATIC =
  /(?:^|[\n;])\s*(import|export)\s+(type\s+)?(?:([^'";]*?)\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Whether every name in `{ type A, type B }` is marked `type`. */
function allNamesTypes(clause: string | undefined): boolean {
  const names = /^\{([^}]*)\}$/.exec(clause?.trim() ?? "")?.[1];
  if (names === undefined) return false;
  const list = names
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  return list.length > 0 && list.every((n) => n.startsWith("type "));
}

/** The repository file a relative specifier names, or undefined when it names none. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const base = join(dirname(from), specifier);
  const found = [`${base}.ts`, join(base, "index.ts"), base].find(
    (candidate) => candidate.endsWith(".ts") && existsSync(join(ROOT, candidate)),
  );
  return found?.split(sep).join("/");
}

function importsOf(file: string): { edges: Edge[]; unresolved: string[] } {
  const source = readFileSync(join(ROOT, file), "utf8");
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const m of source.matchAll(STATIC))
    found.push({ specifier: m[4] ?? "", typeOnly: m[2] !== undefined || allNamesTypes(m[3]) });
  for (const m of source.matchAll(DYNAMIC)) found.push({ specifier: m[1] ?? "", typeOnly: false });
  const edges: Edge[] = [];
  const unresolved: string[] = [];
  for (const { specifier, typeOnly } of found) {
    if (!specifier.startsWith(".")) continue;
    const to = resolveSpecifier(file, specifier);
    if (to === undefined) unresolved.push(`${file} → ${specifier}`);
    else edges.push({ from: file, to, typeOnly });
  }
  return { edges, unresolved };
}

const FILES = [...tsFiles("shared"), ...tsFiles("functions")];
const READ = FILES.map(importsOf);
const EDGES = READ.flatMap((r) => r.edges);
const describeEdge = (e: Edge) => `${e.from} → ${e.to}`;

describe("the layout shows compile once, submit many", () => {
  it("reads the imports of the code: every relative import names a file", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(EDGES.length).toBeGreaterThan(200);
    expect(READ.flatMap((r) => r.unresolved)).toEqual([]);
  });

  it("nothing outside shared/compile/ imports the compile half (the function never loads it)", () => {
    const wrongWay = EDGES.filter((e) => !e.from.startsWith(COMPILE) && e.to.startsWith(COMPILE));
    expect(wrongWay.map(describeEdge)).toEqual([]);
  });

  it("shared/compiled/ imports only itself, the generic helpers and the Workspace type", () => {
    const outside = EDGES.filter(
      (e) =>
        e.from.startsWith(COMPILED) &&
        !e.to.startsWith(COMPILED) &&
        !FORMAT_MAY_USE.includes(e.to) &&
        !(e.typeOnly && FORMAT_MAY_USE_TYPES.includes(e.to)),
    );
    expect(outside.map(describeEdge)).toEqual([]);
  });

  it("no file under shared/ reaches itself through its imports", () => {
    const next = new Map<string, string[]>();
    for (const e of EDGES)
      if (e.from.startsWith("shared/") && e.to.startsWith("shared/"))
        next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      const at = path.indexOf(file);
      if (at >= 0) {
        cycles.push([...path.slice(at), file].join(" → "));
        return;
      }
      if (done.has(file)) return;
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      done.add(file);
    };
    for (const file of FILES) if (file.startsWith("shared/")) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
