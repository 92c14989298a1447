import { SETTING_DEFAULTS, SETTING_NAMES } from "../../shared/constants";

const UNITS = ["second", "minute", "hour"] as const;

/**
 * How often an NCRONTAB schedule (six fields, seconds first) fires, for the simple forms a watcher
 * schedule takes (`0 *\/5 * * * *` is "every 5 minutes"); undefined for any other.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
 */
export function describeSchedule(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6 || fields.slice(3).some((f) => f !== "*")) return undefined;
  // The first field that repeats: every field before it a fixed 0, every one after it "*".
  const at = fields.findIndex((f) => f === "*" || f.startsWith("*/"));
  const unit = UNITS[at];
  const field = fields[at];
  if (
    unit === undefined ||
    field === undefined ||
    fields.slice(0, at).some((f) => f !== "0") ||
    fields.slice(at + 1).some((f) => f !== "*")
  )
    return undefined;
  const step = field === "*" ? 1 : Number(field.slice(2));
  if (!Number.isInteger(step) || step < 1) return undefined;
  return step === 1 ? `every ${unit}` : `every ${step} ${unit}s`;
}

/** The watcher's schedule as set (WATCH_SCHEDULE) and, when simple, in words. */
export function watchPeriod(env: Record<string, string | undefined> = process.env): string {
  const schedule = env[SETTING_NAMES.watchSchedule]?.trim() || SETTING_DEFAULTS.watchSchedule;
  const words = describeSchedule(schedule);
  return `${SETTING_NAMES.watchSchedule} "${schedule}"${words === undefined ? "" : `, ${words}`}`;
}
