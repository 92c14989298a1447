import { join, resolve } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { findAppRoot } from "../shared/appRoot";

const config = new pulumi.Config();

/** The repository root: where the function package is built from. */
export const appRoot = findAppRoot(__dirname);

/** Every stack setting, with its default: only `azure-native:location` is required. */
export const settings = {
  location: new pulumi.Config("azure-native").require("location"),
  namePrefix: config.get("namePrefix") ?? "amlwf",
  /** An existing workspace's ARM id; when absent, the program creates a workspace and a compute cluster. */
  amlWorkspaceId: config.get("amlWorkspaceId"),
  /** The workflows config to validate, filter on, package and run (relative paths resolve against the repository). */
  workflowsFile: resolve(
    appRoot,
    config.get("workflowsFile") ?? join("workflows", "workflows.yaml"),
  ),
  domainTopicName: config.get("domainTopicName") ?? "ml-events",
  // Event Grid delivery: one event per batch, 64 KB preferred batch, 3 attempts, 1440-minute TTL.
  delivery: {
    maxEventsPerBatch: config.getNumber("maxEventsPerBatch") ?? 1,
    preferredBatchSizeInKilobytes: config.getNumber("preferredBatchSizeInKilobytes") ?? 64,
    maxDeliveryAttempts: config.getNumber("maxDeliveryAttempts") ?? 3,
    eventTimeToLiveInMinutes: config.getNumber("eventTimeToLiveInMinutes") ?? 1440,
  },
  functionApp: {
    nodeVersion: config.get("nodeVersion") ?? "22",
    instanceMemoryMB: config.getNumber("instanceMemoryMB") ?? 2048,
    maximumInstanceCount: config.getNumber("maximumInstanceCount") ?? 100,
  },
  compute: {
    name: config.get("computeName") ?? "cpu-cluster",
    vmSize: config.get("computeVmSize") ?? "Standard_DS3_v2",
    maxNodes: config.getNumber("computeMaxNodes") ?? 2,
  },
};
