import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { azuriteConnectionString } from "../../scripts/cli/azuriteStorage";
import { type RunningAzurite, startAzurite } from "../../scripts/localHost/azurite";
import { REPO_ROOT } from "./samples";

/** A throw-away Azurite on free ports (its data in a new temp folder, or `location` to restart on one), and the connection string that reaches it. */
export async function startTestAzurite(
  location = mkdtempSync(join(tmpdir(), "azurite-")),
): Promise<RunningAzurite & { connectionString: string }> {
  const azurite = await startAzurite(REPO_ROOT, { blob: 0, queue: 0, table: 0 }, location);
  return Object.assign(azurite, { connectionString: azuriteConnectionString(azurite.ports) });
}
