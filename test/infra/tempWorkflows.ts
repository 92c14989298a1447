import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { EXAMPLE_WORKFLOWS } from "../support/samples";

/**
 * A workflows file of the test's own in a fresh temp folder, beside a copy of the example's
 * pipelines (`pipelines/validate-model.yml`); the stack's package is built there too. Returns its
 * path and how to remove the folder.
 */
export function tempWorkflows(yaml: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "aml-ew-infra-"));
  cpSync(join(dirname(EXAMPLE_WORKFLOWS), "pipelines"), join(dir, "pipelines"), {
    recursive: true,
  });
  const file = join(dir, "workflows.yaml");
  writeFileSync(file, yaml);
  return {
    file,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
