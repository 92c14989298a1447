/** `npm run package [-- --json]`: bundle the functions with esbuild and zip them with host.json, package.json and workflows/. */
import { relative } from "node:path";

import { findAppRoot } from "../shared/appRoot";
import { buildFunctionPackage } from "./packaging/buildPackage";

const root = findAppRoot(__dirname);
buildFunctionPackage(root).then(
  (built) => {
    process.stdout.write(
      process.argv.includes("--json")
        ? `${JSON.stringify(built)}\n`
        : `${relative(root, built.path)}: ${built.bytes} bytes, ${built.files.length} files, sha256 ${built.sha256}\n`,
    );
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
