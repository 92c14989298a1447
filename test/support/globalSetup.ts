import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { compileWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import { EXAMPLE_WORKFLOWS } from "./samples";
import { makeLoopbackCertificate } from "./tlsCertificate";

/**
 * Compiles the example workflows for the function module, points the event archive at a temp folder, and makes a throw-away self-signed certificate for 127.0.0.1 and trusts it in the test workers
 * (NODE_EXTRA_CA_CERTS is read at process start, and workers are forked after this runs).
 */
export default function setup(): () => void {
  // The function module loads compiled workflows only, as in Azure: give it the example's.
  const compiled = compileWorkflows(EXAMPLE_WORKFLOWS);
  if (!compiled.ok) throw compiled.error;
  const compiledDir = mkdtempSync(join(tmpdir(), "aml-ew-compiled-"));
  process.env.WORKFLOWS_FILE = join(compiledDir, "workflows.compiled.json");
  writeFileSync(process.env.WORKFLOWS_FILE, JSON.stringify(compiled.value));

  // Every event a runtime processes is archived: with no storage setting, here, never in the
  // repository's .local/ (runtimes built from explicit settings get their own: functionModule.ts).
  const archiveDir = mkdtempSync(join(tmpdir(), "aml-ew-archive-"));
  process.env.ARCHIVE_DIR = archiveDir;

  const { dir, key, cert } = makeLoopbackCertificate("aml-ew-tls-");
  process.env.TEST_TLS_KEY = key;
  process.env.TEST_TLS_CERT = cert;
  process.env.NODE_EXTRA_CA_CERTS = cert;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(compiledDir, { recursive: true, force: true });
    rmSync(archiveDir, { recursive: true, force: true });
  };
}
