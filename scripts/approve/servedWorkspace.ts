import type { Workspace } from "../../shared/aml/workspace";
import type { Target } from "../../shared/settings";
import { UsageError } from "../cli/runCommand";

/** Every workspace this deployment serves, the default first; the dry run's placeholder in a dry run. */
export function servedWorkspaces(target: Target): Workspace[] {
  return target.kind === "azure" ? [target.workspace, ...target.others] : [target.workspace];
}

/**
 * The served workspace `--workspace` names, by ARM id or by name (both without case, as ARM
 * compares them), or the default one; a workspace not served, or a name two served ones share, is
 * a usage error listing the served ones.
 */
export function pickWorkspace(target: Target, wanted: string | undefined): Workspace {
  const served = servedWorkspaces(target);
  const fallback = served[0];
  if (fallback === undefined) throw new Error("no workspace is served");
  if (wanted === undefined) return fallback;
  const text = wanted.trim().replace(/\/+$/, "").toLowerCase();
  const found = served.filter((w) => w.id.toLowerCase() === text || w.name.toLowerCase() === text);
  const list = served.map((w) => `  ${w.id}`).join("\n");
  if (found.length === 1 && found[0] !== undefined) return found[0];
  if (found.length > 1)
    throw new UsageError(
      `--workspace "${wanted}" names ${found.length} served workspaces; give its ARM id:\n${list}`,
    );
  throw new UsageError(
    `--workspace "${wanted}" is not a workspace this deployment serves (AML_WORKSPACE_ID, AML_WORKSPACES)${target.kind === "dry-run" ? "; the dry run serves only its placeholder" : ""}:\n${list}`,
  );
}
