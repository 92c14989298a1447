import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";

import { build, type BuildOptions, type Plugin } from "esbuild";
import { type Zippable, zipSync } from "fflate";

import type { CompiledConfig } from "../../shared/compiled/compiledConfig";
import { functionModuleFiles } from "../functionModules";

/** Where the package is written, relative to the app root. */
export const PACKAGE_FILE = "function-app.zip";
export const PACKAGE_PATH = join("build", PACKAGE_FILE);
/** "Version made by" host 3: Unix (PKWARE APPNOTE 4.4.2.2), so the external attributes are a mode. */
const ZIP_OS_UNIX = 3;
/** S_IFREG | rw-r--r--. */
const REGULAR_FILE_0644 = 0o100644;
// A fixed timestamp makes the zip, and so its hash, depend on content alone.
const ZIP_TIME = new Date("2020-01-01T00:00:00Z");
/** Heavy packages the code loads on first use, each bundled on its own with just the names it uses. */
// A cold start compiles them only when it needs them (shared/aml/lazyCredential.ts,
// blobRejectionStore.ts); built from the package's ES modules, so esbuild drops every other export
// (the other credentials of @azure/identity, say).
export const LAZY_PACKAGES: Record<string, { bundle: string; uses: string[] }> = {
  "@azure/identity": { bundle: "identity", uses: ["DefaultAzureCredential"] },
  // One bundle for both storage SDKs: they share most of their code (core-client, core-xml,
  // storage-common), which two bundles would each carry.
  "@azure/storage-blob": { bundle: "storage", uses: ["BlobServiceClient"] },
  "@azure/storage-queue": { bundle: "storage", uses: ["QueueServiceClient"] },
};

/** Each vendor bundle with what it re-exports, package by package. */
function vendorBundles(): Map<string, string[]> {
  const bundles = new Map<string, string[]>();
  for (const [pkg, { bundle, uses }] of Object.entries(LAZY_PACKAGES))
    bundles.set(bundle, [
      ...(bundles.get(bundle) ?? []),
      `export { ${uses.join(", ")} } from ${JSON.stringify(pkg)};`,
    ]);
  return bundles;
}

/** The built deployment package. */
export interface FunctionPackage {
  path: string;
  bytes: number;
  sha256: string;
  files: string[];
  /** WORKFLOWS_FILE for the deployed app: the compiled config, relative to the app root. */
  workflowsFile: string;
}

/** Where a workflows config's compiled form lands in the package: `workflows/<name>.compiled.json`. */
export function packagedWorkflowsFile(workflowsFile: string): string {
  return `workflows/${basename(workflowsFile).replace(/\.ya?ml$/i, "")}.compiled.json`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const common: BuildOptions = {
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
  // ESM builds of dependencies (e.g. @azure/storage-common) read import.meta.url, which a CJS bundle lacks.
  define: { "import.meta.url": "__bundleFileUrl" },
  banner: { js: 'const __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
};

/** Points imports of the lazy packages at their own bundles in dist/vendor/. */
const lazyVendorPlugin: Plugin = {
  name: "lazy-vendor",
  setup(builder) {
    const names = Object.keys(LAZY_PACKAGES).map((p) => p.replace("/", "\\/"));
    builder.onResolve({ filter: new RegExp(`^(${names.join("|")})$`) }, (args) => ({
      path: `../vendor/${LAZY_PACKAGES[args.path]?.bundle ?? ""}.js`,
      external: true,
    }));
  },
};

/**
 * Bundles every function with esbuild (nothing left in node_modules; @azure/identity and the
 * storage SDKs in bundles of their own under dist/vendor/, loaded on first use) and zips it
 * with host.json, a package.json whose `main` matches, and the compiled workflows: no YAML parser
 * and no YAML files go to Azure.
 */
export async function buildFunctionPackage(
  root: string,
  workflowsFile: string,
  compiled: CompiledConfig,
  /** Where the zip (and its staging folder) go, in the user's project; two builds at once need two folders. */
  outDir: string,
): Promise<FunctionPackage> {
  const staging = join(outDir, "app");
  rmSync(staging, { recursive: true, force: true });
  const entryPoints = functionModuleFiles(join(root, "functions"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(root, "functions", f));
  await Promise.all([
    build({
      ...common,
      entryPoints,
      outdir: join(staging, "dist", "functions"),
      plugins: [lazyVendorPlugin],
    }),
    // Third-party bundles go without sourcemaps (ours keeps its own), which keeps the package under 1 MiB.
    ...[...vendorBundles()].map(([bundle, exports]) =>
      build({
        ...common,
        sourcemap: false,
        stdin: {
          contents: exports.join("\n"),
          resolveDir: root,
          loader: "js",
        },
        outfile: join(staging, "dist", "vendor", `${bundle}.js`),
      }),
    ),
  ]);

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
  const add = (base: string, file: string) =>
    (files[relative(base, file).split("\\").join("/")] = readFileSync(file));
  for (const file of filesUnder(join(staging, "dist"))) add(staging, file);
  const compiledFile = packagedWorkflowsFile(workflowsFile);
  files[compiledFile] = Buffer.from(`${JSON.stringify(compiled)}\n`);

  const names = Object.keys(files).sort();
  // Unix entries, mode 0644: a zip whose entries carry no Unix permissions (MS-DOS, attributes 0)
  // can leave a Linux host unable to read host.json, or with zero functions and no error.
  const zippable: Zippable = Object.fromEntries(
    names.map((name) => [
      name,
      [
        files[name] ?? new Uint8Array(),
        { mtime: ZIP_TIME, level: 9, os: ZIP_OS_UNIX, attrs: REGULAR_FILE_0644 << 16 },
      ],
    ]),
  );
  const zip = zipSync(zippable);
  const path = join(outDir, PACKAGE_FILE);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path, zip);
  return {
    path,
    bytes: zip.length,
    sha256: createHash("sha256").update(zip).digest("hex"),
    files: names,
    workflowsFile: packagedWorkflowsFile(workflowsFile),
  };
}
