import { isRecord } from "../guards";

/** An id without the `azureml:` prefix some REST fields carry. */
export const stripPrefix = (id: unknown) =>
  typeof id === "string" && id.startsWith("azureml:") ? id.slice("azureml:".length) : id;

const LITERAL_TYPE_OF = (value: unknown): string =>
  typeof value === "boolean"
    ? "boolean"
    : typeof value === "number"
      ? Number.isInteger(value)
        ? "integer"
        : "number"
      : "string";

/**
 * The inputs of an inline job's anonymous component, typed from what the node gives them: a
 * literal by its value, an asset by its type, a binding by the pipeline input it reads
 * (a job's output is a uri_folder unless said otherwise).
 */
export function inlineInputs(
  nodeInputs: unknown,
  pipelineInputs: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (!isRecord(nodeInputs)) return undefined;
  const typed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(nodeInputs)) {
    if (value === null) continue;
    const bindingText = isRecord(value) ? value.path : value;
    const parent =
      typeof bindingText === "string"
        ? /^\$\{\{\s*parent\.inputs\.(\w+)\s*\}\}$/.exec(bindingText)
        : null;
    if (parent) {
      const declared = pipelineInputs[parent[1] ?? ""];
      typed[name] = isRecord(declared)
        ? { type: typeof declared.type === "string" ? declared.type : "uri_folder" }
        : { type: LITERAL_TYPE_OF(declared) };
    } else if (typeof bindingText === "string" && bindingText.includes("${{"))
      typed[name] = {
        type: isRecord(value) && typeof value.type === "string" ? value.type : "uri_folder",
      };
    else if (isRecord(value))
      typed[name] = { type: typeof value.type === "string" ? value.type : "uri_folder" };
    else typed[name] = { type: LITERAL_TYPE_OF(value) };
  }
  return typed;
}

/** The outputs of an inline job's anonymous component: each with its type (uri_folder unless said). */
export function inlineOutputs(nodeOutputs: unknown): Record<string, unknown> | undefined {
  if (!isRecord(nodeOutputs)) return undefined;
  return Object.fromEntries(
    Object.entries(nodeOutputs).map(([name, value]) => [
      name,
      { type: isRecord(value) && typeof value.type === "string" ? value.type : "uri_folder" },
    ]),
  );
}
