import picomatch from "picomatch";

import { errorMessage } from "../errors";
import type { Result } from "../result";

/** A glob as written, with its compiled test. */
export interface Glob {
  pattern: string;
  test: (value: string) => boolean;
}

/** Compiles a glob; one that is malformed or can never match is refused with the reason. */
export function compileGlob(glob: string): Result<Glob> {
  try {
    // strictBrackets makes an unclosed "[" an error instead of a literal.
    const options = { dot: true, strictBrackets: true };
    // picomatch turns a pattern it cannot compile (e.g. the range [z-a]) into one that matches nothing.
    if (picomatch.makeRe(glob, options).source === "$^")
      return {
        ok: false,
        errors: [`"${glob}" is not a valid glob (it can never match; is a range reversed?)`],
      };
    const matcher = picomatch(glob, options);
    return { ok: true, value: { pattern: glob, test: (value: string) => matcher(value) } };
  } catch (error) {
    return { ok: false, errors: [`"${glob}" is not a valid glob (${errorMessage(error)})`] };
  }
}
