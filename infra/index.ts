/** One `pulumi up`: Event Grid, the function app with its code, identity and roles, and the Azure ML wiring. */
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";

import { compileWorkflows, loadWorkflowsOrThrow } from "../shared/compile/workflows/loadWorkflows";
import { alerts } from "./components/alerts";
import { assetRegistration, needsRegistration } from "./components/assetRegistration";
import { codeDeployment } from "./components/codeDeployment";
import { domainRouting, workspaceRouting } from "./components/eventRouting";
import { functionApp } from "./components/functionApp";
import { buildPackageNow } from "./components/functionPackage";
import { existingWorkspace, newWorkspace } from "./components/mlWorkspace";
import { diagnosticsToLogs, monitoring } from "./components/monitoring";
import { grantRole, principalOf } from "./components/roles";
import { CONTAINERS, hostStorage } from "./components/storage";
import { appRoot, settings } from "./config";
import { deployerPrincipalType } from "./deployer";
import { stackTags, tagEverything } from "./tags";

const prefix = settings.namePrefix;
// Before any resource is registered: every taggable one gets the stack's tags and the user's.
tagEverything({ ...stackTags(), ...(settings.tags as Record<string, string>) });
// The same validation the function runs at start-up: a bad config stops the deployment here.
const workflows = loadWorkflowsOrThrow(settings.workflowsFile);
const pkg = buildPackageNow(appRoot, settings.workflowsFile, pulumi.getStack());
const compiled = compileWorkflows(settings.workflowsFile);
if (!compiled.ok) throw compiled.error;
const manifests = Object.values(compiled.value.pipelines).map((p) => p.assets);

// An existing resource group (looked up, so a typo fails at preview), or a new one.
const groupName = settings.resourceGroupName
  ? resources.getResourceGroupOutput({ resourceGroupName: settings.resourceGroupName }).name
  : new resources.ResourceGroup(`${prefix}-rg`, {}).name;
const group = { name: groupName };
const store = hostStorage(prefix, group.name);
const telemetry = monitoring(prefix, group.name, settings.localAuth);
const workspace = settings.amlWorkspaceId
  ? existingWorkspace(prefix, settings.amlWorkspaceId)
  : newWorkspace(
      prefix,
      group.name,
      settings.location,
      telemetry.insights.id,
      settings.compute,
      settings.deployerPrincipalType ?? deployerPrincipalType(),
      settings.keyVaultPurgeProtection,
    );

const blobEndpoint = store.account.primaryEndpoints.blob;
const { app, settings: appSettings } = functionApp({
  prefix,
  resourceGroupName: group.name,
  storageAccountName: store.account.name,
  blobEndpoint,
  insightsConnectionString: telemetry.insights.connectionString,
  workspaceId: workspace.id,
  workflowsFile: pkg.workflowsFile,
  otherWorkspaceIds: settings.amlWorkspaceIds,
  deploymentContainer: store.appPackage,
  localAuth: settings.localAuth,
  ...settings.functionApp,
});
const appPrincipal = principalOf(app);
const hostRole = grantRole(
  `${prefix}-func-host-storage`,
  "storageBlobDataOwner",
  appPrincipal,
  store.account.id,
);
const amlRole = grantRole(`${prefix}-func-aml`, "azureMlDataScientist", appPrincipal, workspace.id);
grantRole(
  `${prefix}-func-rejected-events`,
  "storageBlobDataContributor",
  appPrincipal,
  store.rejectedEvents.id,
);

// The pipelines' code, environments, components and local data exist before the first event can come.
const registration = needsRegistration(manifests)
  ? [
      assetRegistration(
        `${prefix}-register-assets`,
        appRoot,
        settings.workflowsFile,
        manifests,
        workspace.id,
        { dependsOn: workspace.ready },
      ),
    ]
  : [];
const { deploy, functionResourceId } = codeDeployment(
  `${prefix}-deploy-code`,
  appRoot,
  app.id,
  pkg,
  { dependsOn: [app, appSettings, hostRole, amlRole, store.appPackage, ...registration] },
);
const delivery = {
  functionResourceId,
  includedEventTypes: workflows.eventTypes,
  ...settings.delivery,
  deadLetterAccountId: store.account.id,
  deadLetterContainer: CONTAINERS.deadLetter,
  deadLetterContainerId: store.deadLetter.id,
  deployment: deploy,
};
const domain = domainRouting(
  prefix,
  group.name,
  settings.domainTopicName,
  delivery,
  settings.localAuth,
);
const aml = workspaceRouting(prefix, workspace, delivery, settings.amlSystemTopicName);
if (!settings.localAuth)
  grantRole(
    `${prefix}-func-telemetry`,
    "monitoringMetricsPublisher",
    appPrincipal,
    telemetry.insights.id,
  );
// Every other workspace served: its events reach the function, and the function may submit there.
const otherRoutes = settings.amlWorkspaceIds.map((id, i) => {
  const name = `${prefix}-ws${i + 2}`;
  const other = existingWorkspace(name, id);
  grantRole(`${name}-func-aml`, "azureMlDataScientist", appPrincipal, other.id);
  return workspaceRouting(name, other, delivery);
});
alerts(prefix, {
  resourceGroupName: group.name,
  location: settings.location,
  // An existing system topic (amlSystemTopicName) is not ours to watch; the ones we made are.
  eventGridSources: [
    domain.domain.id,
    ...[aml, ...otherRoutes].flatMap((route) => (route.systemTopic ? [route.systemTopic.id] : [])),
  ],
  insightsId: telemetry.insights.id,
  emails: settings.alertEmails,
});
if (settings.diagnostics) {
  const logs = telemetry.logs.id;
  diagnosticsToLogs(`${prefix}-diag-events`, domain.domain.id, logs);
  if (aml.systemTopic) diagnosticsToLogs(`${prefix}-diag-aml-topic`, aml.systemTopic.id, logs);
  diagnosticsToLogs(
    `${prefix}-diag-storage`,
    pulumi.interpolate`${store.account.id}/blobServices/default`,
    logs,
  );
  diagnosticsToLogs(`${prefix}-diag-function`, app.id, logs);
}
/** Where custom producers publish (the domain endpoint; set `topic` to the domain topic). */
export const event_grid_topic_endpoint = domain.domain.endpoint;
/** The domain topic's subscription to the function. */
export const event_subscription_id = domain.subscription.id;
export const domain_endpoint = domain.domain.endpoint;
export const domain_topic_name = domain.topic.name;
export const function_app_name = app.name;
export const workspace_id = workspace.id;
export const system_topic_subscription_id = aml.subscription.id;
export const dead_letter_container_url = pulumi.interpolate`${blobEndpoint}${CONTAINERS.deadLetter}`;
export const package_sha256 = pkg.sha256;
