import { AML_EVENT_TYPES } from "../../constants";
import type { Result } from "../../result";
import { AML_PREFIX } from "../../workflows/eventTypes";
import { closest } from "../config/closest";

const FULL_NAMES: readonly string[] = Object.values(AML_EVENT_TYPES);
const SHORT_NAMES = FULL_NAMES.map((t) => t.slice(AML_PREFIX.length));

/**
 * An event type as written in `on:`: Azure ML's short names (`ModelRegistered`) become the full
 * type; a misspelt Azure ML type is refused with the full name it most likely meant; any other
 * type is a custom producer's and taken as written.
 */
export function resolveEventType(written: string): Result<string> {
  const lower = written.toLowerCase();
  const short = SHORT_NAMES.findIndex((name) => name.toLowerCase() === lower);
  if (short >= 0) return { ok: true, value: FULL_NAMES[short] ?? written };
  const full = FULL_NAMES.find((name) => name.toLowerCase() === lower);
  if (full !== undefined) return { ok: true, value: full };
  const isAml = lower.startsWith(AML_PREFIX.toLowerCase());
  const guess = closest(isAml ? written.slice(AML_PREFIX.length) : written, SHORT_NAMES);
  if (isAml || (guess !== undefined && !written.includes(".")))
    return {
      ok: false,
      errors: [
        `unknown Azure ML event type "${written}"; ${guess === undefined ? `known: ${SHORT_NAMES.join(", ")}` : `did you mean ${AML_PREFIX}${guess} (or just ${guess})?`}`,
      ],
    };
  return { ok: true, value: written };
}
