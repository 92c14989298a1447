import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";

import { LAZY_PACKAGES } from "../../scripts/packaging/buildPackage";
import { runScript } from "../support/runScript";
import { REPO_ROOT } from "../support/samples";

const zipPath = join(REPO_ROOT, "build", "function-app.zip");
let printed = "";
let files: Record<string, Uint8Array> = {};

beforeAll(async () => {
  const result = await runScript("package.ts", []);
  expect(result.status).toBe(0);
  printed = result.stdout;
  files = unzipSync(readFileSync(zipPath));
}, 120_000);

describe("npm run package", () => {
  it("holds the bundle, host.json, a package.json whose main matches, and the compiled workflows — no node_modules, no YAML", () => {
    const names = Object.keys(files);
    expect(names).toEqual(
      expect.arrayContaining([
        "host.json",
        "package.json",
        "dist/functions/triggerPipelines.js",
        "dist/functions/triggerPipelines.js.map",
        "dist/functions/watchWorkspaces.js",
        "dist/functions/closeCoalesceWindows.js",
        "dist/vendor/identity.js",
        "dist/vendor/storage.js",
        "workflows/workflows.compiled.json",
      ]),
    );
    expect(names.some((n) => n.includes("node_modules"))).toBe(false);
    expect(names.filter((n) => /\.ya?ml$/.test(n))).toEqual([]);
    const manifest = JSON.parse(Buffer.from(files["package.json"]!).toString()) as {
      main: string;
      dependencies?: unknown;
    };
    expect(manifest.main).toBe("dist/functions/*.js");
    expect(manifest.dependencies).toBeUndefined();
  });

  it("ships the queue trigger's settings in host.json, decoding messages as base64 as the code encodes them", () => {
    const host = JSON.parse(Buffer.from(files["host.json"]!).toString()) as {
      extensions?: { queues?: Record<string, unknown> };
    };
    expect(host.extensions?.queues).toEqual({
      maxPollingInterval: "00:00:10",
      visibilityTimeout: "00:00:30",
      maxDequeueCount: 5,
    });
    // Absent means base64, the extension's default; "none" would hand the function undecoded text.
    expect(host.extensions?.queues).not.toHaveProperty("messageEncoding");
  });

  it("bundles no YAML parser and no schema validator: the function loads JSON only", () => {
    const bundle = Buffer.from(files["dist/functions/triggerPipelines.js"]!).toString();
    // Marks of the `yaml` package (its parser classes) and of the config checks.
    for (const mark of ["YAMLParseError", "LineCounter", "parseDocument", "unrecognized_keys"])
      expect(bundle).not.toContain(mark);
  });

  it("writes Unix entries with mode 0644, which a Linux host can read", () => {
    const zip = readFileSync(zipPath);
    const entries: { name: string; host: number; mode: number }[] = [];
    // Central directory headers (PK\x01\x02): version made by at +4, external attributes at +38.
    for (let at = zip.indexOf("PK\x01\x02"); at >= 0; at = zip.indexOf("PK\x01\x02", at + 46)) {
      const nameLength = zip.readUInt16LE(at + 28);
      entries.push({
        name: zip.toString("utf8", at + 46, at + 46 + nameLength),
        host: zip.readUInt8(at + 5),
        mode: zip.readUInt32LE(at + 38) >>> 16,
      });
    }
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(files).sort());
    for (const entry of entries)
      expect(entry, entry.name).toMatchObject({ host: 3, mode: 0o100644 });
  });

  it("is at most 1 MiB and the same bytes when built again", async () => {
    const size = readFileSync(zipPath).length;
    expect(size).toBeLessThanOrEqual(1024 * 1024);
    const again = await runScript("package.ts", []);
    const hash = (text: string) => /sha256 ([0-9a-f]{64})/.exec(text)?.[1];
    expect(hash(again.stdout)).toBeDefined();
    expect(hash(again.stdout)).toBe(hash(printed));
  }, 120_000);

  it("holds each lazily loaded package with every name the code takes from it, and nothing it needs from node_modules", () => {
    // Every `const { … } = require("<package>")` in the function's code.
    const taken = new Map<string, Set<string>>();
    const sources = (dir: string): string[] =>
      readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(join(dir, entry.name))
          : entry.name.endsWith(".ts")
            ? [join(dir, entry.name)]
            : [],
      );
    for (const file of [...sources("shared"), ...sources("functions")]) {
      const text = readFileSync(join(REPO_ROOT, file), "utf8");
      for (const [, names = "", pkg = ""] of text.matchAll(
        /const \{([^}]+)\}\s*=\s*require\("([^"]+)"\)/g,
      ))
        for (const name of names.split(",").map((n) => n.trim().split(":")[0]?.trim() ?? ""))
          taken.set(pkg, (taken.get(pkg) ?? new Set()).add(name));
    }
    expect([...taken.keys()].sort()).toEqual(Object.keys(LAZY_PACKAGES).sort());
    const app = mkdtempSync(join(tmpdir(), "vendor-"));
    for (const [pkg, { bundle, uses }] of Object.entries(LAZY_PACKAGES)) {
      expect(uses.sort()).toEqual([...(taken.get(pkg) ?? [])].sort());
      const file = join(app, `${bundle}.js`);
      writeFileSync(file, files[`dist/vendor/${bundle}.js`] ?? "");
      const loaded = execFileSync(
        process.execPath,
        ["-e", `console.log(Object.keys(require(${JSON.stringify(file)})).sort().join(","))`],
        { cwd: app, encoding: "utf8" },
      );
      // A bundle shared by several packages exports what each of them is used for.
      const exported = Object.values(LAZY_PACKAGES)
        .filter((other) => other.bundle === bundle)
        .flatMap((other) => other.uses);
      expect(loaded.trim()).toBe(exported.sort().join(","));
    }
  });

  it("runs on its own: a fresh process with no node_modules submits the sample in dry-run mode", () => {
    const app = mkdtempSync(join(tmpdir(), "wwwroot-"));
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(app, name)), { recursive: true });
      writeFileSync(join(app, name), bytes);
    }
    const event = readFileSync(
      join(REPO_ROOT, "samples", "events", "model-registered.eventgrid.json"),
      "utf8",
    );
    const program = `
      const { triggerPipelines } = require("./dist/functions/triggerPipelines.js");
      const lines = [];
      const context = { log: (m) => lines.push(m), error: (m) => lines.push("ERROR " + m), warn: (m) => lines.push(m) };
      triggerPipelines(${event}, context).then(() => console.log(JSON.stringify(lines)));`;
    const out = execFileSync(process.execPath, ["-e", program], {
      cwd: app,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", WORKFLOWS_FILE: "workflows/workflows.compiled.json" },
    });
    const lines = JSON.parse(out.trim().split("\n").pop() ?? "[]") as string[];
    expect(lines[0]).toMatch(/^submitted job validate-registered-model-8d47168fa97e3e804446d32a/);
    expect(readdirSync(join(app, ".local", "dry-run"))).toEqual([
      "model-tags",
      "validate-registered-model-8d47168fa97e3e804446d32a.json",
    ]);
    // The dry run's workspace now holds the version registered, with its tags.
    expect(readdirSync(join(app, ".local", "dry-run", "model-tags"))).toEqual([
      "credit-risk-3.json",
    ]);
  });

  it("runs the watcher on its own too: its first run records the dry run's workspace in WATCHER_STATE_DIR", () => {
    const app = mkdtempSync(join(tmpdir(), "wwwroot-"));
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(app, name)), { recursive: true });
      writeFileSync(join(app, name), bytes);
    }
    const program = `
      const { watchWorkspaces } = require("./dist/functions/watchWorkspaces.js");
      const lines = [];
      const context = { log: (m) => lines.push(m), error: (m) => lines.push("ERROR " + m), warn: (m) => lines.push(m), debug: (m) => lines.push("DEBUG " + m) };
      watchWorkspaces({ isPastDue: false }, context).then(() => console.log(JSON.stringify(lines)));`;
    const watch = (workflowsFile: string) => {
      const out = execFileSync(process.execPath, ["-e", program], {
        cwd: app,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", WORKFLOWS_FILE: workflowsFile },
      });
      return JSON.parse(out.trim().split("\n").pop() ?? "[]") as string[];
    };
    // The packaged example needs no watcher: it says so and reads nothing.
    expect(watch("workflows/workflows.compiled.json")).toEqual([
      expect.stringMatching(/^watch: no workflow needs the watcher/),
    ]);
    // Asking for results on the model makes it read the jobs this project started.
    const compiled = JSON.parse(
      readFileSync(join(app, "workflows", "workflows.compiled.json"), "utf8"),
    ) as { workflows: { report?: string }[] };
    for (const workflow of compiled.workflows) workflow.report = "model-tags";
    writeFileSync(join(app, "workflows", "reporting.compiled.json"), JSON.stringify(compiled));
    expect(watch("workflows/reporting.compiled.json")).toEqual([
      expect.stringMatching(/^watch example-workspace: first run, recorded what is there/),
    ]);
    expect(readdirSync(join(app, ".local", "watcher-state"))).toHaveLength(1);
    // Each function is its own bundle; in one host process they share one runtime (one credential,
    // one ARM pacer), which the first to load makes.
    const shared = execFileSync(
      process.execPath,
      [
        "-e",
        `const key = Symbol.for("aml-event-workflows.processRuntime");
         require("./dist/functions/triggerPipelines.js");
         const first = globalThis[key];
         require("./dist/functions/watchWorkspaces.js");
         require("./dist/functions/closeCoalesceWindows.js");
         console.log(first !== undefined && globalThis[key] === first);`,
      ],
      {
        cwd: app,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", WORKFLOWS_FILE: "workflows/workflows.compiled.json" },
      },
    );
    expect(shared.trim().split("\n").pop()).toBe("true");
    expect(watch("workflows/reporting.compiled.json")).toEqual([
      expect.stringMatching(/^DEBUG watch example-workspace: 0 event\(s\) emitted/),
    ]);
  });

  it("says plainly that a YAML WORKFLOWS_FILE needs the compiled file instead", () => {
    const app = mkdtempSync(join(tmpdir(), "wwwroot-"));
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(app, name)), { recursive: true });
      writeFileSync(join(app, name), bytes);
    }
    const run = spawnSync(
      process.execPath,
      ["-e", 'require("./dist/functions/triggerPipelines.js")'],
      {
        cwd: app,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", WORKFLOWS_FILE: "workflows/workflows.yaml" },
      },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(
      /WORKFLOWS_FILE .*workflows\.yaml is not a compiled workflows file: the function loads the JSON that `amlwf package` ships/,
    );
  });
});
