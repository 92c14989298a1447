import { isAbsolute, join, resolve } from "node:path";

/** Where `amlwf start` keeps Azurite's data: AZURITE_DATA_DIR, or `.local/azurite` in the project. */
export function azuriteDataDir(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const set = env.AZURITE_DATA_DIR?.trim();
  if (set === undefined || set === "") return join(projectRoot, ".local", "azurite");
  return isAbsolute(set) ? set : resolve(projectRoot, set);
}
