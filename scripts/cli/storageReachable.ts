import { HOST_STORAGE_SETTINGS } from "../../shared/constants";
import { isRecord } from "../../shared/guards";
import { azuriteConnectionString, azuritePorts } from "./azuriteStorage";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** The host and port a refused connection went to, from Node's error, the SDK's RestError or its cause. */
function refusedAddress(error: unknown, depth = 0): { host: string; port: number } | undefined {
  if (!isRecord(error) || depth > 3) return undefined;
  if (error.code === "ECONNREFUSED") {
    if (typeof error.address === "string" && typeof error.port === "number")
      return { host: error.address, port: error.port };
    const request = error.request;
    if (isRecord(request) && typeof request.url === "string") {
      const url = URL.canParse(request.url) ? new URL(request.url) : undefined;
      if (url && url.port !== "") return { host: url.hostname, port: Number(url.port) };
    }
    const message = typeof error.message === "string" ? error.message : "";
    const said = /ECONNREFUSED (\S+):(\d+)/.exec(message);
    if (said?.[1] !== undefined && said[2] !== undefined)
      return { host: said[1], port: Number(said[2]) };
  }
  const inner = Array.isArray(error.errors) ? (error.errors as unknown[]) : [];
  for (const cause of [error.cause, ...inner]) {
    const found = refusedAddress(cause, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The ports of the local (Azurite) endpoints the host storage setting names; none for Azure storage. */
function azuriteEndpointPorts(env: NodeJS.ProcessEnv): number[] {
  // The order settings.ts picks the store in: identity settings first, then the connection string.
  if ((env[HOST_STORAGE_SETTINGS.accountName] ?? "") !== "") return [];
  const serviceUri = env[HOST_STORAGE_SETTINGS.blobServiceUri] ?? "";
  let endpoints: string[];
  if (serviceUri !== "") endpoints = [serviceUri];
  else {
    let setting = env[HOST_STORAGE_SETTINGS.connectionString] ?? "";
    if (setting === "UseDevelopmentStorage=true") {
      try {
        setting = azuriteConnectionString(azuritePorts(env));
      } catch {
        return [];
      }
    }
    endpoints = setting
      .split(";")
      .filter((part) => /^(blob|queue|table)endpoint=/i.test(part))
      .map((part) => part.slice(part.indexOf("=") + 1));
  }
  return endpoints.flatMap((endpoint) => {
    const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
    if (!url || !LOCAL_HOSTS.has(url.hostname)) return [];
    return [url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port)];
  });
}

/** Our message when the local Azurite the storage setting names refuses the connection (amlwf start stopped); undefined for any other error. */
export function azuriteNotRunning(
  error: unknown,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const refused = refusedAddress(error);
  if (refused === undefined || !LOCAL_HOSTS.has(refused.host)) return undefined;
  if (!azuriteEndpointPorts(env).includes(refused.port)) return undefined;
  return `Azurite is not running on 127.0.0.1:${refused.port} (it runs with amlwf start); start it, or point AzureWebJobsStorage elsewhere`;
}

/** `error`, or our Azurite message in its place (the original as its cause) when it is a refused local Azurite. */
export function explainStorageError(error: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  const message = azuriteNotRunning(error, env);
  return message === undefined ? error : new Error(message, { cause: error });
}

/** `items`, read with a failure explained as `explainStorageError` does. */
export async function* explainingStorageErrors<T>(items: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* items;
  } catch (error) {
    throw explainStorageError(error);
  }
}
