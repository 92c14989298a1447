import { Provider } from "@pulumi/azure-native/provider";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";

import { AML_PREFIX } from "../../shared/workflows/eventTypes";
import { type ListeningWorkflows, sourceFilterOf } from "../eventFilters";
import { type EventSource, STORAGE_TOPIC_TYPE } from "../eventSourceSettings";
import { azureNativeStackConfig } from "../providerConfig";
import { type DeliveryInputs, systemTopicRouting } from "./eventRouting";

/** A storage account's region, read from Azure: its system topic must be in it. */
function storageAccountLocation(source: EventSource, provider: Provider): pulumi.Output<string> {
  const accountName = source.id.slice(source.id.lastIndexOf("/") + 1);
  return storage
    .getStorageAccountOutput({ resourceGroupName: source.resourceGroup, accountName }, { provider })
    .apply((account) => account.location);
}

/**
 * The storage accounts' and other sources' system topics (made in the source's resource group and
 * region, or the existing one named), each subscribed to the function for the types workflows
 * listen to. A source no workflow listens to gets nothing, and a warning says so.
 */
export function eventSourceRouting(
  prefix: string,
  sources: EventSource[],
  workflows: ListeningWorkflows,
  delivery: DeliveryInputs,
  opts: pulumi.CustomResourceOptions,
) {
  // A system topic lives in its source's subscription: one provider per subscription, named by it
  // so that listing another source never renames it.
  const providers = new Map<string, Provider>();
  const providerFor = (subscriptionId: string) => {
    const known = providers.get(subscriptionId.toLowerCase());
    if (known) return known;
    const made = new Provider(
      `${prefix}-sources-${subscriptionId.toLowerCase()}`,
      { ...azureNativeStackConfig(), subscriptionId },
      opts,
    );
    providers.set(subscriptionId.toLowerCase(), made);
    return made;
  };
  const routes = sources.flatMap((source) => {
    const filter = sourceFilterOf(source, workflows);
    if (filter === undefined) {
      void pulumi.log.warn(
        `${source.setting}: no workflow listens to a ${source.typePrefix}* event, so ${source.id} gets no Event Grid subscription (add a workflow on one of its event types, or remove it from the stack)`,
        opts.parent,
      );
      return [];
    }
    const provider = providerFor(source.subscriptionId);
    const route = systemTopicRouting(
      {
        name: `${prefix}-${source.key}`,
        id: source.id,
        topicType: source.topicType,
        resourceGroupName: source.resourceGroup,
        // The settings require a location for any other source whose topic is to be made.
        location:
          source.systemTopic !== undefined
            ? undefined
            : (source.location ??
              (source.topicType === STORAGE_TOPIC_TYPE
                ? storageAccountLocation(source, provider)
                : undefined)),
        provider,
        ...(source.systemTopic === undefined
          ? {}
          : {
              existing: {
                name: source.systemTopic.name,
                resourceGroupName: source.systemTopic.resourceGroup,
                setting: `${source.setting}.systemTopic`,
              },
            }),
      },
      delivery,
      filter,
      opts,
    );
    return [{ source, filter, ...route }];
  });
  // The function takes other Azure services' events only from these sources (EVENT_SOURCES).
  const routed = new Set(
    routes.flatMap((r) => r.filter.includedEventTypes.map((t) => t.toLowerCase())),
  );
  for (const type of workflows.eventTypes) {
    const lower = type.toLowerCase();
    const azure = lower.startsWith("microsoft.") && !lower.startsWith(AML_PREFIX.toLowerCase());
    if (azure && !routed.has(lower))
      void pulumi.log.warn(
        `a workflow listens to ${type}, but no source in storageAccounts or eventSources is subscribed to it: the function takes such events only from those (EVENT_SOURCES), so none will start the workflow`,
        opts.parent,
      );
  }
  return routes;
}
