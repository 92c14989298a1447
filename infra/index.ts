/** One `pulumi up`: the whole deployment (infra/amlEventWorkflows.ts), configured by the stack's settings. */
import { AmlEventWorkflows } from "./amlEventWorkflows";
import { stackArgsFromConfig } from "./config";

const stackArgs = stackArgsFromConfig();

// Named after the prefix; its children keep the names and the state they had before the component.
const deployment = new AmlEventWorkflows(stackArgs.namePrefix ?? "amlwf", stackArgs, {
  adoptTopLevelResources: true,
});

/** Where custom producers publish (the domain endpoint; set `topic` to the domain topic). */
export const event_grid_topic_endpoint = deployment.domainEndpoint;
/** The domain topic's subscription to the function. */
export const event_subscription_id = deployment.eventSubscriptionId;
export const domain_endpoint = deployment.domainEndpoint;
export const domain_topic_name = deployment.domainTopicName;
export const function_app_name = deployment.functionAppName;
export const workspace_id = deployment.workspaceId;
export const system_topic_subscription_id = deployment.systemTopicSubscriptionId;
export const dead_letter_container_url = deployment.deadLetterContainerUrl;
/** The Application Insights resource: `amlwf logs --app-insights $(pulumi stack output app_insights_id -C infra)`. */
export const app_insights_id = deployment.appInsightsId;
export const package_sha256 = deployment.packageSha256;
