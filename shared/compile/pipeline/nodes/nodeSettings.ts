import { isRecord } from "../../../guards";
import type { Result } from "../../../result";

// A command node's resources, distribution and limits as azure-ai-ml puts them in the node dict:
// the REST model's attribute names (snake_case), empty values left out.

const RESOURCE_KEYS = [
  "instance_count",
  "instance_type",
  "shm_size",
  "docker_args",
  "properties",
  "locations",
  "max_instance_count",
];
const DISTRIBUTION_TYPES: Record<string, { rest: string; keys: string[] }> = {
  mpi: { rest: "Mpi", keys: ["process_count_per_instance"] },
  pytorch: { rest: "PyTorch", keys: ["process_count_per_instance"] },
  tensorflow: { rest: "TensorFlow", keys: ["worker_count", "parameter_server_count"] },
  ray: {
    rest: "Ray",
    keys: [
      "port",
      "address",
      "include_dashboard",
      "dashboard_port",
      "head_node_additional_args",
      "worker_node_additional_args",
    ],
  },
};

/** Seconds as an ISO 8601 duration, as Python's isodate writes a timedelta (3600 → PT1H). */
export function isoDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h > 0 ? `${h}H` : ""}${m > 0 ? `${m}M` : ""}${s > 0 ? `${s}S` : ""}`;
  return text === "" ? "P0D" : `PT${text}`;
}

const pick = (source: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(
    keys.filter((k) => source[k] !== undefined && source[k] !== null).map((k) => [k, source[k]]),
  );

/** `resources:` → the node's `resources` dict. */
export function restResources(value: unknown): Result<Record<string, unknown>> {
  if (!isRecord(value)) return { ok: false, errors: ["resources must be a mapping"] };
  const unknown = Object.keys(value).filter((k) => !RESOURCE_KEYS.includes(k));
  if (unknown.length > 0)
    return {
      ok: false,
      errors: [
        `unknown resources key(s) ${unknown.join(", ")}; known: ${RESOURCE_KEYS.join(", ")}`,
      ],
    };
  return { ok: true, value: pick(value, RESOURCE_KEYS) };
}

/** `distribution:` → the node's `distribution` dict (`distribution_type` as the REST model names it). */
export function restDistribution(value: unknown): Result<Record<string, unknown>> {
  if (!isRecord(value) || typeof value.type !== "string")
    return { ok: false, errors: ["distribution needs a type (mpi, pytorch, tensorflow or ray)"] };
  const kind = DISTRIBUTION_TYPES[value.type.toLowerCase()];
  if (kind === undefined)
    return {
      ok: false,
      errors: [
        `unknown distribution type "${value.type}"; known: ${Object.keys(DISTRIBUTION_TYPES).join(", ")}`,
      ],
    };
  const picked = pick(value, kind.keys);
  // TensorFlowDistribution's parameter_server_count defaults to 0, and azure-ai-ml sends it.
  if (kind.rest === "TensorFlow" && picked.parameter_server_count === undefined)
    picked.parameter_server_count = 0;
  return { ok: true, value: { distribution_type: kind.rest, ...picked } };
}

/** `limits:` → the node's `limits` dict (`timeout` in seconds becomes an ISO 8601 duration). */
export function restCommandLimits(value: unknown): Result<Record<string, unknown>> {
  if (!isRecord(value)) return { ok: false, errors: ["limits must be a mapping"] };
  const unknown = Object.keys(value).filter((k) => k !== "timeout");
  if (unknown.length > 0)
    return {
      ok: false,
      errors: [`a command node's limits take only timeout (seconds), not ${unknown.join(", ")}`],
    };
  if (value.timeout === undefined) return { ok: true, value: { job_limits_type: "Command" } };
  if (typeof value.timeout !== "number" || !Number.isInteger(value.timeout) || value.timeout <= 0)
    return { ok: false, errors: ["limits.timeout must be a whole number of seconds"] };
  return { ok: true, value: { job_limits_type: "Command", timeout: isoDuration(value.timeout) } };
}

const SERVICE_TYPES: Record<string, string> = {
  jupyter_lab: "JupyterLab",
  ssh: "SSH",
  tensor_board: "TensorBoard",
  vs_code: "VSCode",
};

/**
 * A command node's interactive services as azure-ai-ml sends them: each the REST JobService's
 * attributes (job_service_type "VSCode", ...), TensorBoard's log_dir and SSH's key as properties.
 */
export function restServices(value: unknown): Result<Record<string, unknown>> {
  if (!isRecord(value)) return { ok: false, errors: ["services must map names to services"] };
  const errors: string[] = [];
  const services: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(value)) {
    const type = isRecord(service) && typeof service.type === "string" ? service.type : undefined;
    const restType = type === undefined ? undefined : SERVICE_TYPES[type];
    if (!isRecord(service) || restType === undefined) {
      errors.push(
        `services.${name} needs a type: ${Object.keys(SERVICE_TYPES).join(", ")}${type === undefined ? "" : `, not "${type}"`}`,
      );
      continue;
    }
    const { log_dir: logDir, ssh_public_keys: sshKeys, nodes, port } = service;
    const properties = {
      ...(isRecord(service.properties) ? service.properties : {}),
      ...(logDir === undefined ? {} : { logDir }),
      ...(sshKeys === undefined ? {} : { sshPublicKeys: sshKeys }),
    };
    services[name] = Object.fromEntries(
      Object.entries({
        job_service_type: restType,
        port,
        nodes: nodes === "all" ? { nodes_value_type: "All" } : undefined,
        properties: Object.keys(properties).length > 0 ? properties : undefined,
      }).filter(([, v]) => v !== undefined),
    );
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: services };
}
