import { SettingsError } from "../../shared/core/runtime";
import { UsageError } from "../cli/runCommand";
import {
  DEFAULT_LOGS_QUERY_ENDPOINT,
  LOGS_QUERY_ENDPOINT_SETTING,
  type QueryTarget,
} from "./logsQueryApi";

const COMPONENT_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Insights\/components\/[^/]+$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where `--app-insights` or `--workspace` points, or undefined for the local host's log. */
export function readTarget(values: {
  "app-insights"?: string;
  workspace?: string;
}): QueryTarget | undefined {
  const component = values["app-insights"];
  const { workspace } = values;
  if (component !== undefined && workspace !== undefined)
    throw new UsageError("give --app-insights or --workspace, not both");
  if (component !== undefined) {
    if (!COMPONENT_ID.test(component))
      throw new UsageError(
        `--app-insights "${component}" is not an Application Insights resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Insights/components/<name>)`,
      );
    return { kind: "component", id: component };
  }
  if (workspace !== undefined) {
    if (!GUID.test(workspace))
      throw new UsageError(
        `--workspace "${workspace}" is not a Log Analytics Workspace ID (a GUID; not the workspace's ARM id)`,
      );
    return { kind: "workspace", id: workspace.toLowerCase() };
  }
  return undefined;
}

/** LOGS_QUERY_ENDPOINT, or the public cloud's: an https origin, which is also the token's audience. */
export function logsQueryEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const text = env[LOGS_QUERY_ENDPOINT_SETTING]?.trim() ?? "";
  if (text === "") return DEFAULT_LOGS_QUERY_ENDPOINT;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:" || url.pathname !== "/" || url.search !== "")
    throw new SettingsError(
      `Invalid settings:\n  ${LOGS_QUERY_ENDPOINT_SETTING}: "${text}" must be an https origin, like ${DEFAULT_LOGS_QUERY_ENDPOINT}`,
    );
  return url.origin;
}
