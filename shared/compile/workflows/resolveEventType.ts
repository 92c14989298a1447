import { AML_EVENT_TYPES, WATCHED_EVENT_TYPES } from "../../constants";
import type { Result } from "../../result";
import { AML_PREFIX, WATCHED_PREFIX } from "../../workflows/eventTypes";
import { closest } from "../config/closest";

const AML_TYPES: readonly string[] = Object.values(AML_EVENT_TYPES);
const WATCHED_TYPES: readonly string[] = Object.values(WATCHED_EVENT_TYPES);
const FULL_NAMES = [...AML_TYPES, ...WATCHED_TYPES];
const shortName = (type: string) =>
  type.slice((type.startsWith(AML_PREFIX) ? AML_PREFIX : WATCHED_PREFIX).length);
const SHORT_NAMES = FULL_NAMES.map(shortName);

/**
 * An event type as written in `on:`: Azure ML's short names (`ModelRegistered`) and the watcher's
 * (`ModelTagsChanged`) become the full type; a misspelt one of either is refused with the full name
 * it most likely meant; any other type is a custom producer's (or an Azure system topic's, such as
 * `Microsoft.Storage.BlobCreated`) and taken as written.
 */
export function resolveEventType(written: string): Result<string> {
  const lower = written.toLowerCase();
  const short = SHORT_NAMES.findIndex((name) => name.toLowerCase() === lower);
  if (short >= 0) return { ok: true, value: FULL_NAMES[short] ?? written };
  const full = FULL_NAMES.find((name) => name.toLowerCase() === lower);
  if (full !== undefined) return { ok: true, value: full };
  const prefix = [AML_PREFIX, WATCHED_PREFIX].find((p) => lower.startsWith(p.toLowerCase()));
  const guess = closest(prefix ? written.slice(prefix.length) : written, SHORT_NAMES);
  if (prefix !== undefined || (guess !== undefined && !written.includes("."))) {
    const meant = FULL_NAMES[SHORT_NAMES.indexOf(guess ?? "")];
    return {
      ok: false,
      errors: [
        `unknown ${prefix === WATCHED_PREFIX ? "watcher" : "Azure ML"} event type "${written}"; ${guess === undefined || meant === undefined ? `known: ${SHORT_NAMES.join(", ")}` : `did you mean ${meant} (or just ${guess})?`}`,
      ],
    };
  }
  return { ok: true, value: written };
}
