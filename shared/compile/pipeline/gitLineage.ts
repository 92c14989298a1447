import { execFileSync } from "node:child_process";

// The job properties azure-ai-ml adds from git (`get_git_properties`, `GitProperties`), and the
// environment variables that override what git says (set them in CI, where a checkout may be bare).
const ENV = {
  repoURL: "AZUREML_GIT_REPOSITORY_URI",
  branch: "AZUREML_GIT_BRANCH",
  commit: "AZUREML_GIT_COMMIT",
  dirty: "AZUREML_GIT_DIRTY",
  buildId: "AZUREML_GIT_BUILD_ID",
  buildUri: "AZUREML_GIT_BUILD_URI",
} as const;

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", dir, ...args], {
      stdio: ["ignore", "pipe", "ignore"],
      encoding: "utf8",
      timeout: 5000,
    });
  } catch {
    return undefined;
  }
}

const clean = (value: string | undefined) => value?.trim() || undefined;

/** A remote URL without the user name and password a clone URL may carry. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
}

/**
 * The config's lineage as azure-ai-ml writes it into a job's properties (`mlflow.source.git.*`,
 * `azureml.git.dirty`): the commit, branch and remote of the folder the workflows live in, and
 * whether it had uncommitted changes, read once when compiling.
 */
export function gitLineage(
  dir: string,
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  let repoURL = clean(env[ENV.repoURL]);
  let branch = clean(env[ENV.branch]);
  let commit = clean(env[ENV.commit]);
  let dirty = clean(env[ENV.dirty]);
  if (clean(git(dir, ["rev-parse", "--is-inside-work-tree"])) === "true") {
    repoURL ??= clean(git(dir, ["ls-remote", "--get-url"]));
    branch ??= clean(git(dir, ["symbolic-ref", "--short", "HEAD"]));
    commit ??= clean(git(dir, ["rev-parse", "HEAD"]));
    // As the SDK asks: anything uncommitted under the folder.
    dirty ??= clean(git(dir, ["status", "--porcelain", "."])) === undefined ? "False" : "True";
  }
  const properties: Record<string, string> = {};
  if (repoURL !== undefined) properties["mlflow.source.git.repoURL"] = withoutCredentials(repoURL);
  if (branch !== undefined) properties["mlflow.source.git.branch"] = branch;
  if (commit !== undefined) properties["mlflow.source.git.commit"] = commit;
  if (dirty !== undefined)
    properties["azureml.git.dirty"] = ["true", "1"].includes(dirty.toLowerCase())
      ? "True"
      : "False";
  const buildId = clean(env[ENV.buildId]);
  const buildUri = clean(env[ENV.buildUri]);
  if (buildId !== undefined) properties["azureml.git.build_id"] = buildId;
  if (buildUri !== undefined) properties["azureml.git.build_uri"] = buildUri;
  return properties;
}
