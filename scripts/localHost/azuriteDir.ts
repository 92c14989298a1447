import { isAbsolute, join, resolve } from "node:path";

/** Where `npm start` keeps Azurite's data: AZURITE_DATA_DIR, or `.local/azurite` under the app root. */
export function azuriteDataDir(appRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const set = env.AZURITE_DATA_DIR?.trim();
  if (set === undefined || set === "") return join(appRoot, ".local", "azurite");
  return isAbsolute(set) ? set : resolve(appRoot, set);
}
