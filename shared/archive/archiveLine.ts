import { createHash } from "node:crypto";
import { hostname } from "node:os";

import { redactSecrets } from "../redact";
import type { ArchivedEvent, ArchiveLine } from "./eventArchive";

type Env = Record<string, string | undefined>;

/**
 * This process's writer id: 12 hex of sha256 of the Functions instance (WEBSITE_INSTANCE_ID), else
 * of host and pid. Writers never share a file, so appends never contend.
 */
export function archiveWriterId(env: Env = process.env): string {
  const instance = env.WEBSITE_INSTANCE_ID?.trim();
  const source =
    instance !== undefined && instance !== "" ? instance : `${hostname()}:${process.pid}`;
  return createHash("sha256").update(source).digest("hex").slice(0, 12);
}

/** The file an hour's events from one writer go to: `<hour>/<writer>.jsonl`, then `<writer>-2.jsonl`, … */
export function archiveFileName(hour: string, writer: string, part = 1): string {
  return `${hour}/${writer}${part > 1 ? `-${part}` : ""}.jsonl`;
}

/** An archive file's hour, writer and part, from its name; undefined for anything else. */
export function parseArchiveFileName(
  name: string,
): { hour: string; writer: string; part: number } | undefined {
  const match = /^(\d{4}\/\d{2}\/\d{2}\/\d{2})\/([^/]+?)(?:-(\d+))?\.jsonl$/.exec(name);
  if (!match) return undefined;
  const [, hour = "", writer = "", part] = match;
  return { hour, writer, part: part === undefined ? 1 : Number(part) };
}

/** Whether `value` holds nothing the redactor would change, however it is serialised. */
const clean = (value: unknown, env: Env) => {
  const text = JSON.stringify(value);
  return redactSecrets(text, env) === text;
};

/**
 * A leaf redacted with its key as context (`"secret": "x"` is a secret only next to its key): the
 * redactor's pattern keeps the value a JSON string, or the whole value becomes `[redacted]`.
 */
function redactLeaf(key: string, value: unknown, env: Env): unknown {
  const text = `{${JSON.stringify(key)}:${JSON.stringify(value)}}`;
  const redacted = redactSecrets(text, env);
  if (redacted === text) return value;
  try {
    const parsed = (JSON.parse(redacted) as Record<string, unknown>)[key];
    if (typeof parsed === "string" && clean({ [key]: parsed }, env)) return parsed;
  } catch {
    // The pattern cut through the JSON (a number, an escape): the value goes whole.
  }
  return "[redacted]";
}

/** Whether the redactor takes whatever follows `key` for a secret (`authorization`, `client_secret`). */
const secretKey = (key: string, env: Env) => {
  const text = `{${JSON.stringify(key)}:"x"}`;
  return key !== "" && redactSecrets(text, env) !== text;
};

function redactTree(value: unknown, key: string, env: Env): unknown {
  if (value === null || typeof value !== "object") return redactLeaf(key, value, env);
  // An object or list under a secret's key goes whole: its parts alone look like nothing.
  if (secretKey(key, env)) return "[redacted]";
  if (Array.isArray(value)) return value.map((item) => redactTree(item, key, env));
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [name, redactTree(item, name, env)]),
  );
}

/**
 * The event as the archive keeps it: redactSecrets over its JSON text. The redactor works on text
 * and can cut through JSON (a `secret` key with a number, a value ending in an escape); then each
 * value is redacted in place with its key as context, and if even that leaves a secret (one in a
 * key name), the event is kept as its redacted JSON text, a string.
 */
export function redactedEvent(event: unknown, env: Env = process.env): unknown {
  const text = JSON.stringify(event) as string | undefined;
  if (text === undefined) return null;
  const redacted = redactSecrets(text, env);
  if (redacted === text) return event;
  try {
    return JSON.parse(redacted) as unknown;
  } catch {
    const tree = redactTree(event, "", env);
    return clean(tree, env) ? tree : redacted;
  }
}

/** One archive line (without its newline): the entry, its event redacted. */
export function archiveLineText(entry: ArchivedEvent, env: Env = process.env): string {
  return JSON.stringify({ receivedAt: entry.receivedAt, event: redactedEvent(entry.event, env) });
}

/** One line read back: an archived event, or why it is not one and where it is. */
export function parseArchiveLine(text: string, where: string): ArchiveLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { corrupt: "not JSON", where };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { corrupt: "not a JSON object", where };
  const { receivedAt, event } = value as Record<string, unknown>;
  if (typeof receivedAt !== "string" || Number.isNaN(Date.parse(receivedAt)))
    return { corrupt: "no receivedAt time", where };
  if (event === undefined) return { corrupt: "no event", where };
  return { receivedAt, event };
}
