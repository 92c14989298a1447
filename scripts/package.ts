/** `npm run package`: bundle the functions with esbuild and zip them with host.json, package.json and workflows/. */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

import { build } from "esbuild";
import { zipSync, type Zippable } from "fflate";

import { findAppRoot } from "../shared/appRoot";

/** Where the package is written, relative to the app root. */
export const PACKAGE_PATH = join("build", "function-app.zip");
const BUNDLE_DIR = join("dist", "functions");
// A fixed timestamp makes the zip, and so its hash, depend on content alone.
const ZIP_TIME = new Date("2020-01-01T00:00:00Z");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function main(): Promise<void> {
  const root = findAppRoot(__dirname);
  const staging = join(root, "build", "app");
  rmSync(staging, { recursive: true, force: true });
  const entryPoints = readdirSync(join(root, "functions"))
    .filter((f) => f.endsWith(".ts") && f !== "registry.ts")
    .map((f) => join(root, "functions", f));
  await build({
    entryPoints,
    outdir: join(staging, BUNDLE_DIR),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    sourcemap: true,
    // Mappings alone give readable stack traces; embedded sources would double the package.
    sourcesContent: false,
    legalComments: "none",
    // Provided by the Functions Node.js worker at run time, never installed.
    external: ["@azure/functions-core"],
    logLevel: "warning",
  });
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    version: string;
    main: string;
  };
  const files: Record<string, Uint8Array> = {
    "host.json": readFileSync(join(root, "host.json")),
    "package.json": Buffer.from(
      `${JSON.stringify({ name: manifest.name, version: manifest.version, main: manifest.main }, null, 2)}\n`,
    ),
  };
  for (const file of filesUnder(join(staging, "dist")))
    files[relative(staging, file).split("\\").join("/")] = readFileSync(file);
  for (const file of filesUnder(join(root, "workflows")))
    files[relative(root, file).split("\\").join("/")] = readFileSync(file);

  const zippable: Zippable = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((name) => [name, [files[name] ?? new Uint8Array(), { mtime: ZIP_TIME, level: 9 }]]),
  );
  const zip = zipSync(zippable);
  const out = join(root, PACKAGE_PATH);
  mkdirSync(join(root, "build"), { recursive: true });
  writeFileSync(out, zip);
  const sha256 = createHash("sha256").update(zip).digest("hex");
  process.stdout.write(
    `${PACKAGE_PATH}: ${zip.length} bytes, ${Object.keys(files).length} files, sha256 ${sha256}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
