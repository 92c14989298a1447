/**
 * One instance of the function for the fleet harness, in a process of its own: the local host with the
 * real handler and ARM client. Takes its settings as JSON in argv[2]; prints `{"url": …}` when ready
 * and serves until SIGTERM.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { compileWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import { EXAMPLE_WORKFLOWS } from "./samples";

async function main(): Promise<void> {
  // The function module builds its process runtime when loaded: it needs compiled workflows.
  const compiled = compileWorkflows(EXAMPLE_WORKFLOWS);
  if (!compiled.ok) throw compiled.error;
  const file = join(mkdtempSync(join(tmpdir(), "fleet-compiled-")), "workflows.compiled.json");
  writeFileSync(file, JSON.stringify(compiled.value));
  process.env.WORKFLOWS_FILE = file;
  const { hostWith } = await import("./hostWith");
  const host = await hostWith(JSON.parse(process.argv[2] ?? "{}") as Record<string, string>);
  process.on("SIGTERM", () => {
    void host.close().then(() => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ url: host.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
