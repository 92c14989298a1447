import { UsageError } from "../cli/runCommand";

/** `--model <name>[:<version>]` read: the last colon splits, as in Azure ML's `azureml:<name>:<version>`. */
export function parseModelArgument(text: string): { name: string; version?: string } {
  const at = text.lastIndexOf(":");
  if (at === 0 || text === "" || at === text.length - 1)
    throw new UsageError(`--model "${text}" must be <name> or <name>:<version>`);
  return at < 0 ? { name: text } : { name: text.slice(0, at), version: text.slice(at + 1) };
}

/** `--model <name>:<version>`, the version required. */
export function parseModelVersionArgument(text: string): { name: string; version: string } {
  const { name, version } = parseModelArgument(text);
  if (version === undefined)
    throw new UsageError(`--model "${text}" must name a version: <name>:<version>`);
  return { name, version };
}
