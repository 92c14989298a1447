/**
 * This repository's deployment: aml-event-workflows' component, set up by this stack's
 * `pulumi config` (every setting: the tool's docs/deploy.md). Add resources of your own beside it.
 */
import { AmlEventWorkflows, stackArgsFromConfig } from "aml-event-workflows/infra";

const args = stackArgsFromConfig();
const deployment = new AmlEventWorkflows(args.namePrefix ?? "amlwf", args);

// The same output names as the tool's own stack, so its docs' commands work here.
export const function_app_name = deployment.functionAppName;
export const workspace_id = deployment.workspaceId;
/** Where your own producers publish events (with `topic` set to domain_topic_name). */
export const domain_endpoint = deployment.domainEndpoint;
export const domain_topic_name = deployment.domainTopicName;
export const dead_letter_container_url = deployment.deadLetterContainerUrl;
export const package_sha256 = deployment.packageSha256;
/** For `npx amlwf logs --app-insights "$(pulumi stack output app_insights_id -C infra)"`. */
export const app_insights_id = deployment.appInsightsId;
