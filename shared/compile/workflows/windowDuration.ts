import { COALESCE_WINDOW_SECONDS } from "../../constants";
import type { Result } from "../../result";

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * A coalescing window as written: `90s`, `10m`, `1h30m`, `2d`, or a whole number of seconds; in
 * seconds, within COALESCE_WINDOW_SECONDS.
 */
export function parseWindowDuration(value: unknown): Result<number> {
  const { min, max } = COALESCE_WINDOW_SECONDS;
  const bounds = `from ${min}s to 7d (a queue message stays invisible 7 days at most)`;
  let seconds: number | undefined;
  if (typeof value === "number" && Number.isInteger(value)) seconds = value;
  else if (typeof value === "string" && /^(\d+[smhd])+$/.test(value.trim()))
    seconds = [...value.trim().matchAll(/(\d+)([smhd])/g)].reduce(
      (sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS],
      0,
    );
  if (seconds === undefined)
    return {
      ok: false,
      errors: [
        `${JSON.stringify(value)} is not a duration: write 90s, 10m, 1h30m or 2d, or a whole number of seconds`,
      ],
    };
  if (seconds < min || seconds > max)
    return { ok: false, errors: [`${JSON.stringify(value)} is out of range: ${bounds}`] };
  return { ok: true, value: seconds };
}
