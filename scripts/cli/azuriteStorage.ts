import { SettingsError } from "../../shared/core/runtime";

/** Azurite's three ports. */
export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

/** A port from a setting, or the default when it is unset; a SettingsError naming the setting otherwise. */
export function portFrom(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SettingsError(`${name} must be a port number (0-65535), got "${value}"`);
  return port;
}

/** The ports `amlwf start` gives Azurite: AZURITE_BLOB_PORT/_QUEUE_PORT/_TABLE_PORT, else 10000-10002. */
export function azuritePorts(env: NodeJS.ProcessEnv): AzuritePorts {
  return {
    blob: portFrom(env.AZURITE_BLOB_PORT, "AZURITE_BLOB_PORT", 10000),
    queue: portFrom(env.AZURITE_QUEUE_PORT, "AZURITE_QUEUE_PORT", 10001),
    table: portFrom(env.AZURITE_TABLE_PORT, "AZURITE_TABLE_PORT", 10002),
  };
}

// Azurite's published development account and key: public, the same on every machine.
const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** The connection string `UseDevelopmentStorage=true` stands for, with the ports Azurite listens on. */
export function azuriteConnectionString(ports: AzuritePorts): string {
  const endpoint = (port: number) => `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${endpoint(ports.blob)};QueueEndpoint=${endpoint(ports.queue)};TableEndpoint=${endpoint(ports.table)};`;
}

/** Whether a storage setting is the local Azurite: the shorthand, or what it was expanded to. */
export function developmentStorage(value: string | undefined, ports: AzuritePorts): boolean {
  return value === "UseDevelopmentStorage=true" || value === azuriteConnectionString(ports);
}

/**
 * Points `UseDevelopmentStorage=true` at the Azurite ports the settings name: the storage SDK reads
 * the shorthand as 10000-10002 whatever AZURITE_BLOB_PORT says, so a tool would reach another Azurite.
 */
export function expandDevelopmentStorage(env: NodeJS.ProcessEnv): void {
  if (env.AzureWebJobsStorage === "UseDevelopmentStorage=true")
    env.AzureWebJobsStorage = azuriteConnectionString(azuritePorts(env));
}
