import { printable } from "../../shared/core/printable";
import type { QueryAnswer, QueryTarget } from "./logsQueryApi";

// Resource-context queries need read access to the resource's logs (`*/read` or
// `Microsoft.Insights/logs/*/read`, with the workspace in its default "resource or workspace
// permissions" mode); workspace-context ones a role that may query the workspace
// (https://learn.microsoft.com/azure/azure-monitor/logs/manage-access).
const ROLE_NEEDED = {
  component:
    "your identity needs Reader, Monitoring Reader or Log Analytics Reader on the Application Insights resource (any role with Microsoft.Insights/logs/*/read there)",
  workspace: "your identity needs Log Analytics Reader (or Reader) on the workspace",
} as const;

const NOT_FOUND = {
  component:
    "no such Application Insights resource: pass its ARM id (`pulumi stack output app_insights_id -C infra`)",
  workspace:
    "no such Log Analytics workspace: pass its Workspace ID, a GUID (`az monitor log-analytics workspace show -g <group> -n <name> --query customerId -o tsv`)",
} as const;

/** What a failed answer means for the user, in one or two lines (service text redacted and escaped). */
export function queryProblem(
  answer: Extract<QueryAnswer, { ok: false }>,
  target: QueryTarget,
  query: string,
): string {
  const said = printable(
    `${answer.status}${answer.code === "" ? "" : ` ${answer.code}`}${answer.message === "" ? "" : `: ${answer.message}`}`,
  );
  switch (answer.status) {
    case 400:
      return `the Logs query API refused the query (${said})\nthe query was:\n${query}`;
    case 401:
      return `Azure refused the token (${said}): run az login again`;
    case 403:
      return `not allowed to query ${target.id} (${said}): ${ROLE_NEEDED[target.kind]}`;
    case 404:
      return `${NOT_FOUND[target.kind]} (${said})`;
    default:
      return `the Logs query API answered ${said}`;
  }
}
