import { join, resolve } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { findAppRoot } from "../shared/appRoot";
import { ARM_WRITE_LIMITS } from "../shared/constants";
import type { PrincipalType } from "./components/roles";

const config = new pulumi.Config();

function principalType(value: string): PrincipalType {
  if (value === "User" || value === "ServicePrincipal" || value === "Group") return value;
  throw new Error(
    `deployerPrincipalType must be User, ServicePrincipal or Group, not ${JSON.stringify(value)}`,
  );
}

/** The repository root: where the function package is built from. */
export const appRoot = findAppRoot(__dirname);

/** Every stack setting, with its default: only `azure-native:location` is required. */
export const settings = {
  location: new pulumi.Config("azure-native").require("location"),
  namePrefix: config.get("namePrefix") ?? "amlwf",
  /** An existing workspace's ARM id; when absent, the program creates a workspace and a compute cluster. */
  amlWorkspaceId: config.get("amlWorkspaceId"),
  /** More workspaces served by the same deployment: each gets its system topic subscription and the function's role. */
  amlWorkspaceIds: config.getObject<string[]>("amlWorkspaceIds") ?? [],
  /** The workflows config to validate, filter on, package and run (relative paths resolve against the repository). */
  workflowsFile: resolve(
    appRoot,
    config.get("workflowsFile") ?? join("workflows", "workflows.yaml"),
  ),
  domainTopicName: config.get("domainTopicName") ?? "ml-events",
  /** Who runs `pulumi up` (gets the workspace storage's data roles for `register`): User, or ServicePrincipal in CI. */
  deployerPrincipalType: principalType(config.get("deployerPrincipalType") ?? "User"),
  /** The workspace's existing system topic (Azure allows one per workspace); when absent, one is created. */
  amlSystemTopicName: config.get("amlSystemTopicName"),
  // Event Grid delivery: one event per batch, 64 KB preferred batch, 30 attempts, 1440-minute TTL.
  // 30, not Event Grid's 3: a scale-to-zero app refuses deliveries during a cold start, and 3
  // attempts dead-letter within about a minute; the TTL caps it at about 11 attempts over 23 h.
  delivery: {
    maxEventsPerBatch: config.getNumber("maxEventsPerBatch") ?? 1,
    preferredBatchSizeInKilobytes: config.getNumber("preferredBatchSizeInKilobytes") ?? 64,
    maxDeliveryAttempts: config.getNumber("maxDeliveryAttempts") ?? 30,
    eventTimeToLiveInMinutes: config.getNumber("eventTimeToLiveInMinutes") ?? 1440,
  },
  functionApp: {
    nodeVersion: config.get("nodeVersion") ?? "22",
    instanceMemoryMB: config.getNumber("instanceMemoryMB") ?? 2048,
    // Flex's lowest allowed maximum (40). Instances share ARM's write bucket by reading what is
    // left of it, so the count does not divide it (docs/reliability.md).
    maximumInstanceCount: config.getNumber("maximumInstanceCount") ?? 40,
    // How much of the principal's write bucket the deployment may use: all of it unless capped.
    armWritesPerSecond: config.getNumber("armWritesPerSecond") ?? ARM_WRITE_LIMITS.perSecond,
    armWriteBurst: config.getNumber("armWriteBurst") ?? ARM_WRITE_LIMITS.bucket,
  },
  compute: {
    name: config.get("computeName") ?? "cpu-cluster",
    vmSize: config.get("computeVmSize") ?? "Standard_DS3_v2",
    maxNodes: config.getNumber("computeMaxNodes") ?? 2,
  },
};
