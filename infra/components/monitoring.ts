import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type * as pulumi from "@pulumi/pulumi";

/** Log Analytics and a workspace-based Application Insights for the function app (and a new Azure ML workspace). */
export function monitoring(prefix: string, resourceGroupName: pulumi.Input<string>) {
  const logs = new operationalinsights.Workspace(`${prefix}-logs`, {
    resourceGroupName,
    sku: { name: "PerGB2018" },
    retentionInDays: 30,
  });
  const insights = new applicationinsights.Component(`${prefix}-insights`, {
    resourceGroupName,
    kind: "web",
    applicationType: "web",
    ingestionMode: "LogAnalytics",
    workspaceResourceId: logs.id,
  });
  return { logs, insights };
}
