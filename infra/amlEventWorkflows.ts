import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";

import { findAppRoot } from "../shared/appRoot";
import { formatWarning } from "../shared/compile/config/configError";
import { compileWorkflows, loadWorkflowsOrThrow } from "../shared/compile/workflows/loadWorkflows";
import { alerts } from "./components/alerts";
import { assetRegistration, needsRegistration } from "./components/assetRegistration";
import { codeDeployment } from "./components/codeDeployment";
import { domainRouting, workspaceRouting } from "./components/eventRouting";
import { eventSourceRouting } from "./components/eventSources";
import { functionApp } from "./components/functionApp";
import { buildPackageNow } from "./components/functionPackage";
import { existingWorkspace, newWorkspace } from "./components/mlWorkspace";
import { diagnosticsToLogs, monitoring } from "./components/monitoring";
import { privateNetwork } from "./components/privateNetwork";
import { grantRole, principalOf } from "./components/roles";
import { CONTAINERS, hostStorage } from "./components/storage";
import { workbook } from "./components/workbook";
import { deployerPrincipalType } from "./deployer";
import { workspaceEventTypes } from "./eventFilters";
import { eventSourcesOf } from "./eventSourceSettings";
import { namingTransformation } from "./naming";
import { type AmlEventWorkflowsArgs, resolveSettings, settingsProblems } from "./settings";
import { stackTags, tagTransformation } from "./tags";

export type { AmlEventWorkflowsArgs } from "./settings";

/** Options of the component beyond Pulumi's own. */
export interface AmlEventWorkflowsOptions extends pulumi.ComponentResourceOptions {
  /**
   * Take over resources an earlier version registered at the top of the stack (before they were
   * the component's children), instead of replacing them: `infra/index.ts` sets it.
   */
  adoptTopLevelResources?: boolean;
}

const TYPE = "aml-event-workflows:index:AmlEventWorkflows";

/**
 * The whole deployment — Event Grid, the function app with its code, identity and roles, the Azure
 * ML wiring, alerts and diagnostics — as one component for a Pulumi program of your own.
 */
export class AmlEventWorkflows extends pulumi.ComponentResource {
  /** Where custom producers publish (set `topic` to `domainTopicName`). */
  readonly domainEndpoint: pulumi.Output<string>;
  readonly domainTopicName: pulumi.Output<string>;
  /** The domain topic's subscription to the function. */
  readonly eventSubscriptionId: pulumi.Output<string>;
  /** The workspace's system topic subscription; undefined when no workflow listens to an Azure ML event type. */
  readonly systemTopicSubscriptionId: pulumi.Output<string | undefined>;
  readonly functionAppName: pulumi.Output<string>;
  readonly workspaceId: pulumi.Output<string>;
  readonly deadLetterContainerUrl: pulumi.Output<string>;
  /** The Application Insights resource's ARM id: `amlwf logs --app-insights` queries it. */
  readonly appInsightsId: pulumi.Output<string>;
  /** The deployed package's SHA-256: it changes exactly when the function's code or config does. */
  readonly packageSha256: string;

  constructor(name: string, args: AmlEventWorkflowsArgs, options: AmlEventWorkflowsOptions = {}) {
    const settings = resolveSettings(args, new pulumi.Config("azure-native").get("location"));
    const problems = settingsProblems(settings);
    if (problems.length > 0)
      throw new Error(
        `Invalid settings for AmlEventWorkflows ${JSON.stringify(name)}:\n${problems.map((p) => `  ${p}`).join("\n")}`,
      );
    const { adoptTopLevelResources, ...componentOptions } = options;
    const transformations: pulumi.ResourceTransformation[] = [
      ...(componentOptions.transformations ?? []),
      tagTransformation({ ...stackTags(), ...settings.tags }),
    ];
    if (settings.namingPattern !== undefined)
      transformations.push(
        namingTransformation({
          pattern: settings.namingPattern,
          prefix: settings.namePrefix,
          stack: pulumi.getStack(),
          location: settings.location,
        }),
      );
    if (adoptTopLevelResources === true)
      transformations.push((t) =>
        t.type === TYPE
          ? undefined
          : {
              props: t.props,
              opts: pulumi.mergeOptions(t.opts, {
                aliases: [{ parent: pulumi.rootStackResource }],
              }),
            },
      );
    super(TYPE, name, {}, { ...componentOptions, transformations });
    const opts: pulumi.CustomResourceOptions = { parent: this };
    const prefix = settings.namePrefix;
    // This package's own folder (dist/scripts run the packaging, registration and deployment).
    const toolRoot = findAppRoot(__dirname);

    // The same validation the function runs at start-up: a bad config stops the deployment here.
    const workflows = loadWorkflowsOrThrow(settings.workflowsFile, (issue) => {
      void pulumi.log.warn(formatWarning(issue), this);
    });
    const pkg = buildPackageNow(toolRoot, settings.workflowsFile, pulumi.getStack());
    const compiled = compileWorkflows(settings.workflowsFile);
    if (!compiled.ok) throw compiled.error;
    const manifests = Object.values(compiled.value.pipelines).map((p) => p.assets);

    // An existing resource group (looked up, so a typo fails at preview), or a new one.
    const groupName = settings.resourceGroupName
      ? resources.getResourceGroupOutput(
          { resourceGroupName: settings.resourceGroupName },
          { parent: this },
        ).name
      : new resources.ResourceGroup(`${prefix}-rg`, {}, opts).name;
    const net = settings.network;
    const network = net.private
      ? privateNetwork(
          prefix,
          {
            resourceGroupName: groupName,
            location: settings.location,
            addressSpace: net.addressSpace,
            existingSubnets:
              net.functionSubnetId !== undefined && net.endpointSubnetId !== undefined
                ? { functionSubnetId: net.functionSubnetId, endpointSubnetId: net.endpointSubnetId }
                : undefined,
            createDnsZones: net.createDnsZones,
            zoneIds: net.zoneIds,
          },
          opts,
        )
      : undefined;
    const store = hostStorage(prefix, groupName, opts, {
      privateAccess: network !== undefined,
      archiveRetentionDays: settings.archiveRetentionDays,
    });
    // The function reaches its host storage through these endpoints: blobs (the code deployment,
    // the platform fetching the package with the app's identity, needs their DNS in place first)
    // and queues (the coalescing windows' trigger listens from the moment the code runs).
    const hostEndpoints = network
      ? (["blob", "queue"] as const).map((group) =>
          network.privateEndpoint(`${prefix}host-${group}-pe`, store.account.id, group, opts),
        )
      : [];
    const telemetry = monitoring(prefix, groupName, settings.localAuth, opts);
    const workspace = settings.amlWorkspaceId
      ? existingWorkspace(prefix, settings.amlWorkspaceId, opts)
      : newWorkspace(
          prefix,
          {
            resourceGroupName: groupName,
            location: settings.location,
            applicationInsightsId: telemetry.insights.id,
            compute: settings.compute,
            deployerType: settings.deployerPrincipalType ?? deployerPrincipalType({ parent: this }),
            purgeProtection: settings.keyVaultPurgeProtection,
            network,
          },
          opts,
        );

    const blobEndpoint = store.account.primaryEndpoints.blob;
    const { sources } = eventSourcesOf(settings.storageAccounts, settings.eventSources);
    const { app, settings: appSettings } = functionApp(
      {
        prefix,
        resourceGroupName: groupName,
        storageAccountName: store.account.name,
        blobEndpoint,
        insightsConnectionString: telemetry.insights.connectionString,
        workspaceId: workspace.id,
        workflowsFile: pkg.workflowsFile,
        otherWorkspaceIds: settings.amlWorkspaceIds,
        deploymentContainer: store.appPackage,
        localAuth: settings.localAuth,
        virtualNetworkSubnetId: network?.functionSubnetId,
        watchSchedule: settings.watch.schedule,
        watchMaxReads: settings.watch.maxReads,
        eventSourceIds: sources.map((source) => source.id),
        ...settings.functionApp,
      },
      opts,
    );
    const appPrincipal = principalOf(app);
    const hostRole = grantRole(
      `${prefix}-func-host-storage`,
      "storageBlobDataOwner",
      appPrincipal,
      store.account.id,
      opts,
    );
    // The queue trigger on the host's own account (connection AzureWebJobsStorage) reads, deletes
    // and poisons messages; the code sends them. Blob Data Owner does not cover queues.
    const queueRole = grantRole(
      `${prefix}-func-host-queues`,
      "storageQueueDataContributor",
      appPrincipal,
      store.account.id,
      opts,
    );
    const amlRole = grantRole(
      `${prefix}-func-aml`,
      "azureMlDataScientist",
      appPrincipal,
      workspace.id,
      opts,
    );
    grantRole(
      `${prefix}-func-rejected-events`,
      "storageBlobDataContributor",
      appPrincipal,
      store.rejectedEvents.id,
      opts,
    );

    // The pipelines' code, environments, components and local data exist before the first event can come.
    const registration = needsRegistration(manifests)
      ? [
          assetRegistration(
            `${prefix}-register-assets`,
            toolRoot,
            settings.workflowsFile,
            manifests,
            workspace.id,
            { ...opts, dependsOn: workspace.ready },
          ),
        ]
      : [];
    const { deploy, functionResourceId } = codeDeployment(
      `${prefix}-deploy-code`,
      toolRoot,
      app.id,
      pkg,
      {
        ...opts,
        dependsOn: [
          app,
          appSettings,
          hostRole,
          queueRole,
          amlRole,
          store.appPackage,
          store.coalesceWindows,
          ...registration,
          ...hostEndpoints.flatMap((e) => [e.endpoint, ...(e.zoneGroup ? [e.zoneGroup] : [])]),
        ],
      },
    );
    const delivery = {
      functionResourceId,
      ...settings.delivery,
      deadLetterAccountId: store.account.id,
      deadLetterContainer: CONTAINERS.deadLetter,
      deadLetterContainerId: store.deadLetter.id,
      deployment: deploy,
    };
    const domain = domainRouting(
      prefix,
      groupName,
      settings.domainTopicName,
      delivery,
      { includedEventTypes: workflows.eventTypes },
      { localAuth: settings.localAuth, privateAccess: network !== undefined },
      opts,
    );
    network?.privateEndpoint(`${prefix}-events-pe`, domain.domain.id, "domain", opts);
    // Event Grid refuses types a workspace does not publish (the watcher's own, other services')
    // in a system topic's filter; and an empty list would pass every type.
    const workspaceFilter = { includedEventTypes: workspaceEventTypes(workflows.eventTypes) };
    const servesWorkspaceEvents = workspaceFilter.includedEventTypes.length > 0;
    if (!servesWorkspaceEvents)
      void pulumi.log.info(
        "no workflow listens to an Azure ML event type: the workspaces get no Event Grid subscription",
        this,
      );
    const aml = servesWorkspaceEvents
      ? workspaceRouting(
          prefix,
          workspace,
          delivery,
          workspaceFilter,
          opts,
          settings.amlSystemTopicName,
        )
      : undefined;
    if (!settings.localAuth)
      grantRole(
        `${prefix}-func-telemetry`,
        "monitoringMetricsPublisher",
        appPrincipal,
        telemetry.insights.id,
        opts,
      );
    // Every other workspace served: its events reach the function, and the function may submit there.
    const otherRoutes = settings.amlWorkspaceIds.flatMap((id, i) => {
      const otherName = `${prefix}-ws${i + 2}`;
      const other = existingWorkspace(otherName, id, opts);
      grantRole(`${otherName}-func-aml`, "azureMlDataScientist", appPrincipal, other.id, opts);
      return servesWorkspaceEvents
        ? [workspaceRouting(otherName, other, delivery, workspaceFilter, opts)]
        : [];
    });
    const sourceRoutes = eventSourceRouting(prefix, sources, workflows, delivery, opts);
    // An existing system topic (amlSystemTopicName) is not ours to watch; the ones we made are.
    const eventGridSources = [
      domain.domain.id,
      ...[...(aml ? [aml] : []), ...otherRoutes, ...sourceRoutes].flatMap((route) =>
        route.systemTopic ? [route.systemTopic.id] : [],
      ),
    ];
    alerts(
      prefix,
      {
        resourceGroupName: groupName,
        location: settings.location,
        eventGridSources,
        insightsId: telemetry.insights.id,
        emails: settings.alertEmails,
      },
      opts,
    );
    workbook(
      `${prefix}-workbook`,
      {
        resourceGroupName: groupName,
        location: settings.location,
        insightsId: telemetry.insights.id,
        eventGridSources,
      },
      opts,
    );
    if (settings.diagnostics) {
      const logs = telemetry.logs.id;
      diagnosticsToLogs(`${prefix}-diag-events`, domain.domain.id, logs, opts);
      if (aml?.systemTopic)
        diagnosticsToLogs(`${prefix}-diag-aml-topic`, aml.systemTopic.id, logs, opts);
      for (const route of sourceRoutes)
        if (route.systemTopic)
          diagnosticsToLogs(
            `${prefix}-diag-${route.source.key}-topic`,
            route.systemTopic.id,
            logs,
            opts,
          );
      diagnosticsToLogs(
        `${prefix}-diag-storage`,
        pulumi.interpolate`${store.account.id}/blobServices/default`,
        logs,
        opts,
      );
      diagnosticsToLogs(`${prefix}-diag-function`, app.id, logs, opts);
    }

    this.domainEndpoint = domain.domain.endpoint;
    this.domainTopicName = domain.topic.name;
    this.eventSubscriptionId = domain.subscription.id;
    this.systemTopicSubscriptionId = aml ? aml.subscription.id : pulumi.output(undefined);
    this.functionAppName = app.name;
    this.workspaceId = workspace.id;
    this.deadLetterContainerUrl = pulumi.interpolate`${blobEndpoint}${CONTAINERS.deadLetter}`;
    this.appInsightsId = telemetry.insights.id;
    this.packageSha256 = pkg.sha256;
    this.registerOutputs({
      domainEndpoint: this.domainEndpoint,
      domainTopicName: this.domainTopicName,
      eventSubscriptionId: this.eventSubscriptionId,
      systemTopicSubscriptionId: this.systemTopicSubscriptionId,
      functionAppName: this.functionAppName,
      workspaceId: this.workspaceId,
      deadLetterContainerUrl: this.deadLetterContainerUrl,
      appInsightsId: this.appInsightsId,
      packageSha256: this.packageSha256,
    });
  }
}
