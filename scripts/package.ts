/** `npm run package`: bundle the functions with esbuild and zip them with host.json, package.json and workflows/. */
import { relative } from "node:path";

import { findAppRoot } from "../shared/appRoot";
import { buildFunctionPackage } from "./packaging/buildPackage";

try {
  const root = findAppRoot(__dirname);
  const built = buildFunctionPackage(root);
  process.stdout.write(
    `${relative(root, built.path)}: ${built.bytes} bytes, ${built.files.length} files, sha256 ${built.sha256}\n`,
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
