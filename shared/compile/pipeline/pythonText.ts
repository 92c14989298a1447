// azure-ai-ml reads YAML with PyYAML (YAML 1.1) and sends a literal as Python's str() of it, so the
// text of a number depends on how it was written: `1.0` stays "1.0", `2e-5` (no dot: a string to
// YAML 1.1) stays "2e-5", `0.00001` becomes "1e-05".

const YAML11_FLOAT = /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$/;
const YAML11_INT = /^[-+]?(0|[1-9][0-9_]*)$/;

/** Python's repr() of a float: the shortest digits that round-trip, in Python's layout. */
export function pythonFloatText(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0] ?? ""}.${digits.slice(1)}` : digits;
    const exp = Math.abs(exponent).toString().padStart(2, "0");
    return `${sign}${head}e${exponent < 0 ? "-" : "+"}${exp}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === "" ? "0" : fraction}`;
}

/** The text azure-ai-ml sends for a YAML scalar written as `source` that parsed to `value`. */
export function pythonLiteralText(value: string | number | boolean, source?: string): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return value;
  const written = source?.trim();
  if (written === undefined) return String(value);
  if (YAML11_INT.test(written)) return BigInt(written.replace(/_/g, "")).toString();
  if (YAML11_FLOAT.test(written)) return pythonFloatText(Number(written.replace(/_/g, "")));
  // Not a number to YAML 1.1 (e.g. `2e-5`): PyYAML keeps it as the string it was written as.
  return written;
}
