/** One problem in a config file, with where it is. */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted path inside the document, e.g. `workflows[0].when.model`. */
  path: string;
  message: string;
}

/** `file:line:col path: message`, the form editors and CI logs link to. */
export function formatIssue(issue: ConfigIssue): string {
  const place =
    issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${place}${issue.path === "" ? "" : ` ${issue.path}`}: ${issue.message}`;
}

/** One line for a warning: accepted, but worth a look (`file:line:col path: warning: …`). */
export function formatWarning(issue: ConfigIssue): string {
  return formatIssue({ ...issue, message: `warning: ${issue.message}` });
}

/** Every problem found in the workflows config and the pipelines it names, reported as one error. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid workflows config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues.map((issue) => `  ${formatIssue(issue)}`).join("\n")}`,
    );
  }
}

/** `["workflows", 0, "when"]` → `workflows[0].when`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, i) =>
      typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${String(segment)}`,
    )
    .join("");
}
