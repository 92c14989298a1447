import { join, resolve } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { findProjectRoot } from "../scripts/cli/projectRoot";
import type { PrincipalType } from "./components/roles";
import type { EventSourceSetting, StorageAccountSetting } from "./eventSourceSettings";
import { type AmlEventWorkflowsArgs, resolveSettings, settingsProblems } from "./settings";

/**
 * The stack's settings (`pulumi config` of the running program's project), as the component's
 * arguments, checked; docs/deploy.md lists them. A relative `workflowsFile` is relative to
 * `projectRoot`: by default the nearest folder with a package.json above where Pulumi runs the
 * program, i.e. your repository.
 */
export function stackArgsFromConfig(
  projectRoot: string = findProjectRoot(process.cwd()),
): AmlEventWorkflowsArgs {
  const config = new pulumi.Config();
  const args: AmlEventWorkflowsArgs = {
    location: new pulumi.Config("azure-native").get("location"),
    namePrefix: config.get("namePrefix"),
    namingPattern: config.get("namingPattern"),
    resourceGroupName: config.get("resourceGroupName"),
    localAuth: config.getBoolean("localAuth"),
    keyVaultPurgeProtection: config.getBoolean("keyVaultPurgeProtection"),
    diagnostics: config.getBoolean("diagnostics"),
    alertEmails: config.getObject<string[]>("alertEmails"),
    tags: config.getObject<Record<string, string>>("tags"),
    amlWorkspaceId: config.get("amlWorkspaceId"),
    amlWorkspaceIds: config.getObject<string[]>("amlWorkspaceIds"),
    // Relative to the repository, where `pulumi config set workflowsFile` is documented to point.
    workflowsFile: resolve(
      projectRoot,
      config.get("workflowsFile") ?? join("workflows", "workflows.yaml"),
    ),
    domainTopicName: config.get("domainTopicName"),
    deployerPrincipalType: config.get<PrincipalType>("deployerPrincipalType"),
    amlSystemTopicName: config.get("amlSystemTopicName"),
    maxEventsPerBatch: config.getNumber("maxEventsPerBatch"),
    preferredBatchSizeInKilobytes: config.getNumber("preferredBatchSizeInKilobytes"),
    maxDeliveryAttempts: config.getNumber("maxDeliveryAttempts"),
    eventTimeToLiveInMinutes: config.getNumber("eventTimeToLiveInMinutes"),
    nodeVersion: config.get("nodeVersion"),
    instanceMemoryMB: config.getNumber("instanceMemoryMB"),
    maximumInstanceCount: config.getNumber("maximumInstanceCount"),
    armWritesPerSecond: config.getNumber("armWritesPerSecond"),
    armWriteBurst: config.getNumber("armWriteBurst"),
    computeName: config.get("computeName"),
    computeVmSize: config.get("computeVmSize"),
    computeMaxNodes: config.getNumber("computeMaxNodes"),
    privateNetworking: config.getBoolean("privateNetworking"),
    vnetAddressSpace: config.get("vnetAddressSpace"),
    functionSubnetId: config.get("functionSubnetId"),
    endpointSubnetId: config.get("endpointSubnetId"),
    createPrivateDnsZones: config.getBoolean("createPrivateDnsZones"),
    privateDnsZoneIds: config.getObject<Record<string, string>>("privateDnsZoneIds"),
    watchSchedule: config.get("watchSchedule"),
    watchMaxReads: config.getNumber("watchMaxReads"),
    archiveRetentionDays: config.getNumber("archiveRetentionDays"),
    storageAccounts: config.getObject<StorageAccountSetting[]>("storageAccounts"),
    eventSources: config.getObject<EventSourceSetting[]>("eventSources"),
  };
  // Checked here too, so the message says "stack settings" before anything else runs.
  const problems = settingsProblems(resolveSettings(args));
  if (problems.length > 0)
    throw new Error(`Invalid stack settings:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  return args;
}
