import * as pulumi from "@pulumi/pulumi";

/**
 * Resource types that carry ARM tags (tracked resources). The others the program makes — blob
 * containers, role assignments, event subscriptions, domain topics, app settings — have none to set.
 */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set([
  "azure-native:resources:ResourceGroup",
  "azure-native:storage:StorageAccount",
  "azure-native:keyvault:Vault",
  "azure-native:machinelearningservices:Workspace",
  "azure-native:machinelearningservices:Compute",
  "azure-native:managedidentity:UserAssignedIdentity",
  "azure-native:operationalinsights:Workspace",
  "azure-native:applicationinsights:Component",
  "azure-native:web:AppServicePlan",
  "azure-native:web:WebApp",
  "azure-native:eventgrid:Domain",
  "azure-native:eventgrid:SystemTopic",
  "azure-native:monitor:ActionGroup",
  "azure-native:monitor:MetricAlert",
  "azure-native:monitor:ScheduledQueryRule",
  "azure-native:applicationinsights:Workbook",
  "azure-native:network:VirtualNetwork",
  "azure-native:network:PrivateEndpoint",
  "azure-native:privatedns:PrivateZone",
  "azure-native:privatedns:VirtualNetworkLink",
]);

/** The stack's own tags: which Pulumi project and stack made a resource. */
export function stackTags(): Record<string, string> {
  return { project: pulumi.getProject(), stack: pulumi.getStack() };
}

/** A transformation that puts these tags on every taggable resource; a resource's own tags win. */
export function tagTransformation(tags: Record<string, string>): pulumi.ResourceTransformation {
  // An in-process transformation, not registerResourceTransform: that one needs the engine's
  // transforms callback, which Pulumi's mock runtime (the infra tests) does not provide.
  return (args) => {
    if (!TAGGABLE_TYPES.has(args.type)) return undefined;
    const own = (args.props.tags ?? {}) as Record<string, string>;
    return { props: { ...args.props, tags: { ...tags, ...own } }, opts: args.opts };
  };
}
