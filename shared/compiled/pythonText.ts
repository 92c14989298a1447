// How Python 3 writes numbers and strings, where azure-ai-ml hashes Python's own text of a value.

/** Python's `repr(float)`: the shortest round-trip digits, fixed for 1e-4 <= |x| < 1e16, else `1e-05`. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponent = "0"] = x.toExponential().split("e");
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const exp = Number(exponent);
  const sign = negative ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const expDigits = String(Math.abs(exp)).padStart(2, "0");
    return `${sign}${digits[0] ?? ""}${frac}e${exp < 0 ? "-" : "+"}${expDigits}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}.${fracPart === "" ? "0" : fracPart}`;
}

/** A string as Python indexes it: one element per code point, not per UTF-16 unit. */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Python's `str < str`: by code point (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const x = codePoints(a).map((ch) => ch.codePointAt(0) ?? 0);
  const y = codePoints(b).map((ch) => ch.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
