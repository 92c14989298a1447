import { isRecord } from "../../../guards";
import type { Result } from "../../../result";
import { pythonLiteralText } from "../pythonText";

// A distribution's arguments, in the order azure-ai-ml's SweepDistribution._to_rest_object lists them.
const DISTRIBUTION_ARGS: Record<string, readonly string[]> = {
  uniform: ["min_value", "max_value"],
  loguniform: ["min_value", "max_value"],
  quniform: ["min_value", "max_value", "q"],
  qloguniform: ["min_value", "max_value", "q"],
  normal: ["mu", "sigma"],
  lognormal: ["mu", "sigma"],
  qnormal: ["mu", "sigma", "q"],
  qlognormal: ["mu", "sigma", "q"],
  randint: ["upper"],
};

/** Python's str() of a number, without the exponent azure-ai-ml's float_to_str also avoids. */
function numberText(value: number, source: string | undefined): string {
  const text = pythonLiteralText(value, source);
  if (!/e/i.test(text) || Number.isNaN(Number(text))) return text;
  return Number(text).toFixed(20).replace(/0+$/, "").replace(/\.$/, ".0");
}

function scalarText(value: unknown, quoteStrings: boolean): string | undefined {
  if (typeof value === "string") return quoteStrings ? `'${value}'` : value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return numberText(value, undefined);
  return undefined;
}

/**
 * One AutoML search-space entry as azure-ai-ml sends it inside a pipeline: a distribution mapping
 * (`{type: choice, values: [a, b]}`) becomes `choice('a','b')`, a plain value its Python text.
 */
export function searchSpaceText(value: unknown): Result<string> {
  if (!isRecord(value)) {
    const text = scalarText(value, false);
    return text === undefined
      ? { ok: false, errors: ["must be a value or a distribution ({type: choice, values: [...]})"] }
      : { ok: true, value: text };
  }
  const type = typeof value.type === "string" ? value.type.toLowerCase() : "";
  if (type === "choice") {
    if (!Array.isArray(value.values) || value.values.length === 0)
      return { ok: false, errors: ["a choice needs values: [...]"] };
    const parts = value.values.map((v) => scalarText(v, true));
    if (parts.some((p) => p === undefined))
      return { ok: false, errors: ["choice values must be text, numbers or true/false"] };
    return { ok: true, value: `choice(${parts.join(",")})` };
  }
  const names = DISTRIBUTION_ARGS[type];
  if (names === undefined)
    return {
      ok: false,
      errors: [
        `unknown distribution type ${JSON.stringify(value.type)}; known: choice, ${Object.keys(DISTRIBUTION_ARGS).join(", ")}`,
      ],
    };
  const args: string[] = [];
  for (const name of names) {
    const arg = value[name];
    if (typeof arg !== "number")
      return { ok: false, errors: [`a ${type} needs ${name} (a number)`] };
    args.push(numberText(arg, undefined));
  }
  return { ok: true, value: `${type}(${args.join(",")})` };
}
