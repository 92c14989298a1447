import { UsageError } from "../cli/runCommand";
import { parseSince } from "../logs/recordFilter";

/** A stretch of the event archive: events received at or after `since` and before `until`. */
export interface ArchiveWindow {
  since: Date;
  until: Date;
}

/** `30m`, `2h`, `1d` back from `now`, or an ISO 8601 time, read for the option it was given to. */
function parseTime(option: "--since" | "--until", text: string, now: number): number {
  try {
    return parseSince(text, now);
  } catch (error) {
    // logs' parser names --since; the same words hold for --until.
    if (error instanceof UsageError && option !== "--since")
      throw new UsageError(error.message.replace(/^--since/, option));
    throw error;
  }
}

/** The window `--since` (required) and `--until` (default: now) name; a usage error when it is empty or missing. */
export function windowFromOptions(
  values: { since?: string; until?: string },
  now: number,
  command: string,
): ArchiveWindow {
  if (values.since === undefined)
    throw new UsageError(`${command} needs --since <30m|2h|1d|ISO time>: how far back to read`);
  const since = parseTime("--since", values.since, now);
  const until = values.until === undefined ? now : parseTime("--until", values.until, now);
  if (since >= until)
    throw new UsageError(
      `--since ${new Date(since).toISOString()} is not before --until ${new Date(until).toISOString()}: the window holds nothing`,
    );
  return { since: new Date(since), until: new Date(until) };
}
