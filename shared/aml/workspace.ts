import type { Result } from "../result";

/** An Azure ML workspace, as named by its ARM id. */
export interface Workspace {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const WORKSPACE_ID =
  /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([-\w._()]{1,90})\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([a-zA-Z0-9][\w-]{2,32})$/i;

/** Parses a workspace ARM id (`/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/…`). */
export function parseWorkspaceId(id: string): Result<Workspace> {
  const match = WORKSPACE_ID.exec(id.trim().replace(/\/+$/, ""));
  if (!match) {
    return {
      ok: false,
      errors: [
        `"${id}" is not an Azure ML workspace id; expected /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.MachineLearningServices/workspaces/<name>`,
      ],
    };
  }
  const [, subscriptionId = "", resourceGroup = "", name = ""] = match;
  return {
    ok: true,
    value: {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${name}`,
      subscriptionId,
      resourceGroup,
      name,
    },
  };
}

/** ARM id of a workspace child resource, e.g. `computes/cpu-cluster`. */
export function workspaceChildId(workspace: Workspace, ...segments: string[]): string {
  return [workspace.id, ...segments.map(encodeURIComponent)].join("/");
}
