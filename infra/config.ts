import { join, resolve } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { findAppRoot } from "../shared/appRoot";
import type { PrincipalType } from "./components/roles";
import { type AmlEventWorkflowsArgs, resolveSettings, settingsProblems } from "./settings";

const config = new pulumi.Config();

// The repository root: relative workflowsFile settings resolve against it.
const appRoot = findAppRoot(__dirname);

/** The stack's settings (`pulumi config`), as the component's arguments; docs/deploy.md lists them. */
export const stackArgs: AmlEventWorkflowsArgs = {
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
    appRoot,
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
};

// Checked here too, so the message says "stack settings" before anything else runs.
const problems = settingsProblems(resolveSettings(stackArgs));
if (problems.length > 0)
  throw new Error(`Invalid stack settings:\n${problems.map((p) => `  ${p}`).join("\n")}`);
