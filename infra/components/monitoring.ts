import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type * as pulumi from "@pulumi/pulumi";

/** Log Analytics and a workspace-based Application Insights for the function app (and a new Azure ML workspace). */
export function monitoring(
  prefix: string,
  resourceGroupName: pulumi.Input<string>,
  localAuth: boolean,
  opts: pulumi.CustomResourceOptions,
) {
  const logs = new operationalinsights.Workspace(
    `${prefix}-logs`,
    {
      resourceGroupName,
      sku: { name: "PerGB2018" },
      retentionInDays: 30,
    },
    opts,
  );
  const insights = new applicationinsights.Component(
    `${prefix}-insights`,
    {
      resourceGroupName,
      kind: "web",
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: logs.id,
      // Telemetry only from Entra identities (the app's), not from whoever holds the connection string.
      disableLocalAuth: !localAuth,
    },
    opts,
  );
  return { logs, insights };
}

/** Sends a resource's logs (every category) and metrics to the stack's Log Analytics workspace. */
export function diagnosticsToLogs(
  name: string,
  resourceUri: pulumi.Input<string>,
  workspaceId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  metrics = true,
): monitor.DiagnosticSetting {
  return new monitor.DiagnosticSetting(
    name,
    {
      name: "to-log-analytics",
      resourceUri,
      workspaceId,
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      ...(metrics ? { metrics: [{ category: "AllMetrics", enabled: true }] } : {}),
    },
    opts,
  );
}
