import { listDryRunModels } from "../aml/dryRunModels";
import type { WorkspaceReader } from "./workspaceReader";

/**
 * The dry run's workspace, as the watcher reads it: the model versions reports and `approve` wrote
 * into the dry-run folder. It holds no data assets, and its jobs never run, so none is cancelled.
 */
export function createDryRunWorkspaceReader(dir: string): WorkspaceReader {
  let reads = 0;
  const models = async () => {
    reads += 1;
    return listDryRunModels(dir);
  };
  return {
    get reads() {
      return reads;
    },
    async modelNames() {
      return [...new Set((await models()).map((m) => m.name))];
    },
    async modelVersions(_workspace, name, top) {
      return (await models())
        .filter((m) => m.name === name)
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
        .slice(0, top);
    },
    dataNames() {
      return Promise.resolve([]);
    },
    dataVersions() {
      return Promise.resolve([]);
    },
    lineageJobs() {
      return Promise.resolve([]);
    },
    job() {
      return Promise.resolve(undefined);
    },
  };
}
