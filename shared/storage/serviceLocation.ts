/** Azurite's well-known ports, which `UseDevelopmentStorage=true` means. */
const DEVELOPMENT_PORTS = { blob: 10000, queue: 10001 } as const;

/**
 * Where one service of the storage account a connection string names is, for messages: its
 * endpoint, or the account's default one — never the account key.
 */
export function serviceLocationOf(connectionString: string, service: "blob" | "queue"): string {
  const parts = Object.fromEntries(
    connectionString
      .split(";")
      .map((p) => [p.slice(0, p.indexOf("=")).toLowerCase(), p.slice(p.indexOf("=") + 1)]),
  );
  if (parts.usedevelopmentstorage === "true")
    return `http://127.0.0.1:${DEVELOPMENT_PORTS[service]}/devstoreaccount1/`;
  const endpoint = parts[`${service}endpoint`];
  if (endpoint) return endpoint.replace(/\/?$/, "/");
  return parts.accountname
    ? `https://${parts.accountname}.${service}.${parts.endpointsuffix ?? "core.windows.net"}/`
    : "the storage account in AzureWebJobsStorage/";
}

/**
 * How the function's storage clients retry: a few quick tries, each cut short, so a storage that
 * does not answer gives up well inside an invocation's budget.
 */
export const STORAGE_CLIENT_OPTIONS = {
  retryOptions: { maxTries: 3, tryTimeoutInMs: 5000, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
} as const;
