import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  azuriteConnectionString,
  type RunningAzurite,
  startAzurite,
} from "../../scripts/localHost/azurite";
import { REPO_ROOT } from "./samples";

/** A throw-away Azurite on free ports, and the connection string that reaches it. */
export async function startTestAzurite(): Promise<RunningAzurite & { connectionString: string }> {
  const azurite = await startAzurite(
    REPO_ROOT,
    { blob: 0, queue: 0, table: 0 },
    mkdtempSync(join(tmpdir(), "azurite-")),
  );
  return Object.assign(azurite, { connectionString: azuriteConnectionString(azurite.ports) });
}
