/**
 * Event Grid's publish hosts in Azure's public, US Government and China clouds
 * (https://learn.microsoft.com/azure/event-grid/post-to-custom-topic: `<topic>.<region>-1.eventgrid.azure.net`).
 */
export const EVENT_GRID_HOST_SUFFIXES = [
  ".eventgrid.azure.net",
  ".eventgrid.azure.us",
  ".eventgrid.chinacloudapi.cn",
];

/** Where `replay --to` may publish, or why not: the caller's token or key goes with every request. */
export function publishTarget(
  to: string,
  trustedHosts: readonly string[],
): { url: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    return { error: `--to "${to}" is neither local nor a URL` };
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== "https:")
    return { error: `--to ${url.origin}: a credential goes only over https` };
  if (url.username !== "" || url.password !== "")
    return { error: "--to must not carry a user name or password" };
  const trusted = trustedHosts.map((h) => h.trim().toLowerCase()).includes(host);
  if (!trusted && !EVENT_GRID_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)))
    return {
      error: `--to ${host} is not an Event Grid endpoint (*${EVENT_GRID_HOST_SUFFIXES.join(", *")}); name it with --trust-host ${host} to send your credential there`,
    };
  return { url: url.toString() };
}

/** Event Grid's publish API answers 200 OK when it has taken the events; anything else keeps the record. */
export const EVENT_GRID_ACCEPTED = 200;
