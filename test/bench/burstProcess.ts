/**
 * The bench's burst, in a process of its own: it must trust the stand-in's certificate, and Node
 * reads NODE_EXTRA_CA_CERTS only at start. Takes the options as JSON in argv[2]; prints the figures.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { compileWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import type { BurstOptions } from "../support/burstFigures";
import { EXAMPLE_WORKFLOWS } from "../support/samples";

async function main(): Promise<void> {
  // The function module builds its process runtime when loaded: it needs compiled workflows.
  const compiled = compileWorkflows(EXAMPLE_WORKFLOWS);
  if (!compiled.ok) throw compiled.error;
  const file = join(mkdtempSync(join(tmpdir(), "burst-compiled-")), "workflows.compiled.json");
  writeFileSync(file, JSON.stringify(compiled.value));
  process.env.WORKFLOWS_FILE = file;
  const { runBurst } = await import("../support/burst");
  const figures = await runBurst(JSON.parse(process.argv[2] ?? "{}") as BurstOptions);
  process.stdout.write(`${JSON.stringify({ ...figures, logLines: figures.logLines.length })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
