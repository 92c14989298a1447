import type { IncomingMessage } from "node:http";

/** Why the local host refuses a request before routing it: its status and reason. */
export interface Refusal {
  status: number;
  reason: string;
}

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

const EVENT_CONTENT_TYPES = [
  "application/json",
  "application/cloudevents+json",
  "application/cloudevents-batch+json",
];

/**
 * Refuses a `Host` that does not name the loopback at this port: a browser page that rebinds its
 * own DNS name to 127.0.0.1 still sends its own name (https://en.wikipedia.org/wiki/DNS_rebinding).
 */
export function refuseHost(req: IncomingMessage): Refusal | undefined {
  const host = (req.headers.host ?? "").toLowerCase();
  const port = req.socket.localPort;
  const allowed = LOOPBACK_NAMES.flatMap((name) =>
    port === 80 ? [name, `${name}:80`] : [`${name}:${String(port)}`],
  );
  if (allowed.includes(host)) return undefined;
  return {
    status: 421,
    reason: `Host ${JSON.stringify(host)} is not this local host: use ${allowed.join(" or ")}`,
  };
}

/** Refuses a POST whose body is not declared JSON: a form or `text/plain` post skips a browser's preflight. */
export function refuseContentType(req: IncomingMessage): Refusal | undefined {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (EVENT_CONTENT_TYPES.includes(type)) return undefined;
  return {
    status: 415,
    reason: `content-type ${JSON.stringify(type)} is not accepted: send ${EVENT_CONTENT_TYPES.join(", ")}`,
  };
}
