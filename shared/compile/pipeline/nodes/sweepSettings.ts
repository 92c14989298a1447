import { withoutUndefined } from "../../../compiled/restShapes";
import { isRecord } from "../../../guards";
import type { Result } from "../../../result";

// A sweep node as azure-ai-ml's `Sweep._to_rest_object` writes it: the YAML's limits, objective,
// sampling algorithm and search space as given, the trial as `{componentId}`, and the early
// termination policy as its REST model's attributes (policy_type "Bandit", ...).

/** The keys a sweep node may carry besides the ones every node has. */
export const SWEEP_NODE_KEYS = [
  "trial",
  "sampling_algorithm",
  "search_space",
  "objective",
  "early_termination",
];

const POLICY_TYPES: Record<string, string> = {
  bandit: "Bandit",
  median_stopping: "MedianStopping",
  truncation_selection: "TruncationSelection",
};
const SAMPLING = ["random", "grid", "bayesian"];
const GOALS = ["minimize", "maximize"];

/** A sweep node's own settings, checked, as the REST node carries them. */
export function sweepSettings(node: Record<string, unknown>): Result<Record<string, unknown>> {
  const errors: string[] = [];
  // A component given as `component:` is reported as such, not as a missing trial.
  for (const key of ["trial", "sampling_algorithm", "search_space", "objective"])
    if (node[key] === undefined && !(key === "trial" && node.component !== undefined))
      errors.push(`a sweep node needs ${key}`);
  const sampling = node.sampling_algorithm;
  const samplingType = isRecord(sampling) ? sampling.type : sampling;
  if (
    sampling !== undefined &&
    (typeof samplingType !== "string" || !SAMPLING.includes(samplingType))
  )
    errors.push(`sampling_algorithm must be one of ${SAMPLING.join(", ")}`);
  if (node.search_space !== undefined) {
    if (!isRecord(node.search_space) || Object.keys(node.search_space).length === 0)
      errors.push(
        "search_space must map input names to distributions ({type: choice, values: [...]})",
      );
    else
      for (const [name, value] of Object.entries(node.search_space))
        if (!isRecord(value) || typeof value.type !== "string")
          errors.push(
            `search_space.${name} must be a distribution with a type (choice, uniform, ...)`,
          );
  }
  const objective = node.objective;
  if (
    objective !== undefined &&
    (!isRecord(objective) ||
      typeof objective.primary_metric !== "string" ||
      typeof objective.goal !== "string" ||
      !GOALS.includes(objective.goal.toLowerCase()))
  )
    errors.push("objective needs primary_metric and goal (minimize or maximize)");
  let earlyTermination: Record<string, unknown> | undefined;
  if (node.early_termination !== undefined) {
    const policy = node.early_termination;
    const policyType =
      isRecord(policy) && typeof policy.type === "string" ? POLICY_TYPES[policy.type] : undefined;
    if (!isRecord(policy) || policyType === undefined)
      errors.push(`early_termination needs a type: ${Object.keys(POLICY_TYPES).join(", ")}`);
    else {
      earlyTermination = Object.fromEntries(
        Object.entries({ ...policy, policy_type: policyType }).filter(([key]) => key !== "type"),
      );
      // Truncation and median stopping send their delay, 0 unless given (as azure-ai-ml does).
      if (policyType !== "Bandit" && earlyTermination.delay_evaluation === undefined)
        earlyTermination.delay_evaluation = 0;
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: withoutUndefined({
      sampling_algorithm: sampling,
      search_space: node.search_space,
      objective,
      early_termination: earlyTermination,
    }),
  };
}
