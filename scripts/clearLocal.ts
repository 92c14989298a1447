/** `amlwf clear-local`: removes local state — dry-run requests, rejected events, the event archive, Azurite's data, the host's log. */
import { existsSync, rmSync } from "node:fs";
import { dirname, relative } from "node:path";

import { settingsOrThrow } from "../shared/core/runtime";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { azuriteDataDir } from "./localHost/azuriteDir";
import { hostLogPath } from "./localHost/hostLog";
import { runningInstance } from "./localHost/instanceLock";

runCommand({
  usage: "usage: amlwf clear-local",
  description: `Removes what local runs leave behind: the dry-run requests (DRY_RUN_DIR), the rejected-events
folder (REJECTED_DIR), the event archive folder (ARCHIVE_DIR), Azurite's data (AZURITE_DATA_DIR,
default .local/azurite: the rejections, dead letters and archive amlwf start kept there) and the
local host's log (.local/logs).
Refuses while \`amlwf start\` runs from this folder. Nothing in Azure is touched.
Exit: 0 cleared, 2 amlwf start is running or a setting is invalid.`,
  options: {},
  run({ projectRoot }) {
    const running = runningInstance(azuriteDataDir(projectRoot));
    if (running)
      throw new UsageError(
        `amlwf start is running (pid ${running.pid}); stop it with Ctrl-C before clearing its state`,
      );
    const settings = settingsOrThrow();
    const folders = [
      settings.target.kind === "dry-run" ? settings.target.dir : undefined,
      settings.rejectionStore.kind === "folder" ? settings.rejectionStore.dir : undefined,
      settings.rejectionStore.kind === "folder" ? settings.archiveDir : undefined,
      azuriteDataDir(projectRoot),
      dirname(hostLogPath(projectRoot)),
    ].flatMap((dir) => (dir !== undefined && existsSync(dir) ? [dir] : []));
    for (const dir of folders) {
      rmSync(dir, { recursive: true, force: true });
      process.stdout.write(`removed ${relative(process.cwd(), dir) || dir}\n`);
    }
    process.stdout.write(`clear-local: removed=${folders.length}\n`);
    return EXIT.ok;
  },
});
