/** A value or a list of problems: bad input is returned, not thrown. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };
