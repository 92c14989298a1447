/** `amlwf package [--json] [--workflows <file>]`: bundle the functions with esbuild and zip them with host.json, package.json and the workflows. */
import { join, relative, resolve } from "node:path";

import { compileWorkflows } from "../shared/compile/workflows/loadWorkflows";
import { settingsOrThrow } from "../shared/core/runtime";
import { EXIT, runCommand } from "./cli/runCommand";
import { buildFunctionPackage } from "./packaging/buildPackage";

runCommand({
  usage: "usage: amlwf package [--json] [--workflows <file>] [--out <folder>]",
  description: `Builds build/function-app.zip: the functions bundled with esbuild (no node_modules, no YAML parser),
host.json, a package.json, and the workflows compiled to workflows/<name>.compiled.json, which the
deployed function loads. An invalid config is refused.
  --workflows FILE  the workflows config to package (default: WORKFLOWS_FILE, or workflows/workflows.yaml)
  --out FOLDER      where to write function-app.zip (default: build/)
  --json            print { path, bytes, sha256, files, workflowsFile } as JSON
Exit: 0 built, 1 the build failed, 2 usage or config error.`,
  options: { json: { type: "boolean" }, workflows: { type: "string" }, out: { type: "string" } },
  async run({ values, projectRoot, toolRoot }) {
    const workflowsFile =
      values.workflows === undefined ? settingsOrThrow().workflowsFile : resolve(values.workflows);
    // The function refuses to start with an invalid config: refuse to package one.
    const compiled = compileWorkflows(workflowsFile);
    if (!compiled.ok) throw compiled.error;
    const built = await buildFunctionPackage(
      toolRoot,
      workflowsFile,
      compiled.value,
      values.out === undefined ? join(projectRoot, "build") : resolve(values.out),
    );
    process.stdout.write(
      values.json === true
        ? `${JSON.stringify(built)}\n`
        : `${relative(process.cwd(), built.path)}: ${built.bytes} bytes, ${built.files.length} files, sha256 ${built.sha256}\n`,
    );
    return EXIT.ok;
  },
});
