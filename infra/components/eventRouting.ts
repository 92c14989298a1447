import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as pulumi from "@pulumi/pulumi";

import { grantRole, principalOf } from "./roles";

/** What both subscriptions share: where events go, which types, how retries and dead letters work. */
export interface DeliveryInputs {
  functionResourceId: pulumi.Input<string>;
  includedEventTypes: string[];
  maxEventsPerBatch: number;
  preferredBatchSizeInKilobytes: number;
  maxDeliveryAttempts: number;
  eventTimeToLiveInMinutes: number;
  deadLetterAccountId: pulumi.Input<string>;
  deadLetterContainer: string;
  deadLetterContainerId: pulumi.Input<string>;
  /** The code deployment: subscriptions to an AzureFunction destination fail until the function exists. */
  deployment: pulumi.Resource;
}

function subscriptionArgs(d: DeliveryInputs) {
  return {
    // Event Grid fetches the function's key itself: no URL and no key in config.
    destination: {
      endpointType: "AzureFunction" as const,
      resourceId: d.functionResourceId,
      maxEventsPerBatch: d.maxEventsPerBatch,
      preferredBatchSizeInKilobytes: d.preferredBatchSizeInKilobytes,
    },
    filter: { includedEventTypes: d.includedEventTypes },
    eventDeliverySchema: eventgrid.EventDeliverySchema.EventGridSchema,
    retryPolicy: {
      maxDeliveryAttempts: d.maxDeliveryAttempts,
      eventTimeToLiveInMinutes: d.eventTimeToLiveInMinutes,
    },
    deadLetterWithResourceIdentity: {
      identity: { type: eventgrid.EventSubscriptionIdentityType.SystemAssigned },
      deadLetterDestination: {
        endpointType: "StorageBlob" as const,
        resourceId: d.deadLetterAccountId,
        blobContainerName: d.deadLetterContainer,
      },
    },
  };
}

/** A custom domain with one domain topic for producers other than Azure ML, subscribed to the function. */
export function domainRouting(
  prefix: string,
  resourceGroupName: pulumi.Input<string>,
  domainTopicName: string,
  delivery: DeliveryInputs,
  access: { localAuth: boolean; privateAccess: boolean },
  opts: pulumi.CustomResourceOptions,
) {
  const domain = new eventgrid.Domain(
    `${prefix}-events`,
    {
      resourceGroupName,
      // Publishers present Entra tokens (EventGrid Data Sender), not the domain's access keys.
      disableLocalAuth: !access.localAuth,
      // Private: publishers reach it through its private endpoint only.
      ...(access.privateAccess
        ? { publicNetworkAccess: eventgrid.PublicNetworkAccess.Disabled }
        : {}),
      inputSchema: eventgrid.InputSchema.EventGridSchema,
      identity: { type: eventgrid.IdentityType.SystemAssigned },
      // The SDK default deletes the domain topic with its last subscription: a replaced
      // subscription would take the producers' topic with it.
      autoDeleteTopicWithLastSubscription: false,
    },
    opts,
  );
  const topic = new eventgrid.DomainTopic(
    `${prefix}-${domainTopicName}`,
    {
      resourceGroupName,
      domainName: domain.name,
      domainTopicName,
    },
    opts,
  );
  const deadLetterRole = grantRole(
    `${prefix}-domain-deadletter`,
    "storageBlobDataContributor",
    principalOf(domain),
    delivery.deadLetterContainerId,
    opts,
  );
  const subscription = new eventgrid.EventSubscription(
    `${prefix}-domain-to-function`,
    { scope: topic.id, eventSubscriptionName: "trigger-pipelines", ...subscriptionArgs(delivery) },
    { ...opts, dependsOn: [delivery.deployment, deadLetterRole] },
  );
  return { domain, topic, subscription, deadLetterRole };
}

/**
 * The workspace's system topic (where Azure ML publishes its events), subscribed to the function.
 * Azure allows one system topic per source: when the workspace already has one (the portal makes
 * `<workspace>-<guid>` ones), name it and the subscription is attached to it instead.
 */
export function workspaceRouting(
  prefix: string,
  workspace: {
    id: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    provider?: pulumi.ProviderResource;
  },
  delivery: DeliveryInputs,
  opts: pulumi.CustomResourceOptions,
  existingSystemTopicName?: string,
) {
  const provider = workspace.provider;
  let systemTopicName: pulumi.Output<string>;
  let topicPrincipal: pulumi.Output<string>;
  let systemTopic: eventgrid.SystemTopic | undefined;
  if (existingSystemTopicName === undefined) {
    systemTopic = new eventgrid.SystemTopic(
      `${prefix}-aml-topic`,
      {
        resourceGroupName: workspace.resourceGroupName,
        location: workspace.location,
        source: workspace.id,
        topicType: "Microsoft.MachineLearningServices.Workspaces",
        identity: { type: eventgrid.IdentityType.SystemAssigned },
      },
      { ...opts, provider },
    );
    systemTopicName = systemTopic.name;
    topicPrincipal = principalOf(systemTopic);
  } else {
    const found = eventgrid.getSystemTopicOutput(
      { resourceGroupName: workspace.resourceGroupName, systemTopicName: existingSystemTopicName },
      { provider },
    );
    systemTopicName = pulumi.output(existingSystemTopicName);
    // Dead letters are written with the topic's identity, so it needs one.
    topicPrincipal = found.apply((topic) => {
      const principal = topic.identity?.principalId;
      if (principal === undefined)
        throw new Error(
          `system topic ${existingSystemTopicName} has no system-assigned identity; give it one (az eventgrid system-topic update --name ${existingSystemTopicName} --resource-group <group> --identity systemassigned) or leave amlSystemTopicName unset`,
        );
      return principal;
    });
  }
  const deadLetterRole = grantRole(
    `${prefix}-aml-topic-deadletter`,
    "storageBlobDataContributor",
    topicPrincipal,
    delivery.deadLetterContainerId,
    opts,
  );
  const subscription = new eventgrid.SystemTopicEventSubscription(
    `${prefix}-aml-to-function`,
    {
      resourceGroupName: workspace.resourceGroupName,
      systemTopicName,
      eventSubscriptionName: "trigger-pipelines",
      ...subscriptionArgs(delivery),
    },
    { ...opts, dependsOn: [delivery.deployment, deadLetterRole], provider },
  );
  return { systemTopic, subscription, deadLetterRole };
}
