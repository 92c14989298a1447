import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as pulumi from "@pulumi/pulumi";

import type { SubjectFilter } from "../eventFilters";
import { grantRole, principalOf } from "./roles";

/** What every subscription shares: where events go, how retries and dead letters work. */
export interface DeliveryInputs {
  functionResourceId: pulumi.Input<string>;
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

/** Which events a subscription passes on: their types, and a subject filter when the workflows allow one. */
export interface EventFilter extends SubjectFilter {
  includedEventTypes: string[];
}

function subscriptionArgs(d: DeliveryInputs, filter: EventFilter) {
  return {
    // Event Grid fetches the function's key itself: no URL and no key in config.
    destination: {
      endpointType: "AzureFunction" as const,
      resourceId: d.functionResourceId,
      maxEventsPerBatch: d.maxEventsPerBatch,
      preferredBatchSizeInKilobytes: d.preferredBatchSizeInKilobytes,
    },
    filter: {
      includedEventTypes: filter.includedEventTypes,
      ...(filter.subjectBeginsWith === undefined
        ? {}
        : { subjectBeginsWith: filter.subjectBeginsWith }),
      ...(filter.subjectEndsWith === undefined ? {} : { subjectEndsWith: filter.subjectEndsWith }),
    },
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
  filter: EventFilter,
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
    {
      scope: topic.id,
      eventSubscriptionName: "trigger-pipelines",
      ...subscriptionArgs(delivery, filter),
    },
    { ...opts, dependsOn: [delivery.deployment, deadLetterRole] },
  );
  return { domain, topic, subscription, deadLetterRole };
}

/** An Azure resource whose Event Grid system topic the function subscribes to. */
export interface SystemTopicSource {
  /** Its resources' logical names: `<name>-topic`, `<name>-topic-deadletter`, `<name>-to-function`. */
  name: string;
  id: pulumi.Input<string>;
  topicType: string;
  /** Where a new system topic goes: with its source (Azure requires the source's subscription). */
  resourceGroupName: pulumi.Input<string>;
  /** The source's region (`global` for a global one such as Azure Maps); only a new topic needs it. */
  location?: pulumi.Input<string>;
  /** The provider for the source's subscription. */
  provider?: pulumi.ProviderResource;
  /** The source's system topic, when it has one already (Azure allows one per source). */
  existing?: { name: string; resourceGroupName: pulumi.Input<string>; setting: string };
}

/** A source's system topic (made, or the existing one), subscribed to the function with its dead letters in the stack's container. */
export function systemTopicRouting(
  source: SystemTopicSource,
  delivery: DeliveryInputs,
  filter: EventFilter,
  opts: pulumi.CustomResourceOptions,
) {
  const { provider, existing } = source;
  let systemTopicName: pulumi.Output<string>;
  let resourceGroupName: pulumi.Input<string>;
  let topicPrincipal: pulumi.Output<string>;
  let systemTopic: eventgrid.SystemTopic | undefined;
  if (existing === undefined) {
    if (source.location === undefined)
      throw new Error(`${source.name}: a new system topic needs its source's region`);
    systemTopic = new eventgrid.SystemTopic(
      `${source.name}-topic`,
      {
        resourceGroupName: source.resourceGroupName,
        location: source.location,
        source: source.id,
        topicType: source.topicType,
        identity: { type: eventgrid.IdentityType.SystemAssigned },
      },
      // Azure allows one system topic per source: a replacement must go before its successor.
      { ...opts, provider, deleteBeforeReplace: true },
    );
    systemTopicName = systemTopic.name;
    resourceGroupName = source.resourceGroupName;
    topicPrincipal = principalOf(systemTopic);
  } else {
    const found = eventgrid.getSystemTopicOutput(
      { resourceGroupName: existing.resourceGroupName, systemTopicName: existing.name },
      { provider },
    );
    systemTopicName = pulumi.output(existing.name);
    resourceGroupName = existing.resourceGroupName;
    // Dead letters are written with the topic's identity, so it needs one.
    topicPrincipal = found.apply((topic) => {
      const principal = topic.identity?.principalId;
      if (principal === undefined)
        throw new Error(
          `system topic ${existing.name} has no system-assigned identity; give it one (az eventgrid system-topic update --name ${existing.name} --resource-group <group> --identity systemassigned) or leave ${existing.setting} unset`,
        );
      return principal;
    });
  }
  const deadLetterRole = grantRole(
    `${source.name}-topic-deadletter`,
    "storageBlobDataContributor",
    topicPrincipal,
    delivery.deadLetterContainerId,
    opts,
  );
  const subscription = new eventgrid.SystemTopicEventSubscription(
    `${source.name}-to-function`,
    {
      resourceGroupName,
      systemTopicName,
      eventSubscriptionName: "trigger-pipelines",
      ...subscriptionArgs(delivery, filter),
    },
    { ...opts, dependsOn: [delivery.deployment, deadLetterRole], provider },
  );
  return { systemTopic, subscription, deadLetterRole };
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
  filter: EventFilter,
  opts: pulumi.CustomResourceOptions,
  existingSystemTopicName?: string,
) {
  return systemTopicRouting(
    {
      name: `${prefix}-aml`,
      id: workspace.id,
      topicType: "Microsoft.MachineLearningServices.Workspaces",
      resourceGroupName: workspace.resourceGroupName,
      location: workspace.location,
      provider: workspace.provider,
      ...(existingSystemTopicName === undefined
        ? {}
        : {
            existing: {
              name: existingSystemTopicName,
              resourceGroupName: workspace.resourceGroupName,
              setting: "amlSystemTopicName",
            },
          }),
    },
    delivery,
    filter,
    opts,
  );
}
