import { join, resolve } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { findAppRoot } from "../shared/appRoot";
import { ARM_WRITE_LIMITS } from "../shared/constants";
import type { PrincipalType } from "./components/roles";

const config = new pulumi.Config();

const PRINCIPAL_TYPES: readonly PrincipalType[] = ["User", "ServicePrincipal", "Group"];
// Storage account names are 3-24 lowercase letters and digits, and Pulumi appends 8 random
// characters to `<prefix>host` and `<prefix>ml`; the Key Vault's `<prefix>-kv…` has the same limit.
const NAME_PREFIX = /^[a-z][a-z0-9]{0,10}$/;

/** The repository root: where the function package is built from. */
export const appRoot = findAppRoot(__dirname);

/** Every stack setting, with its default: only `azure-native:location` is required. */
export const settings = {
  location: new pulumi.Config("azure-native").require("location"),
  namePrefix: config.get("namePrefix") ?? "amlwf",
  /** An existing resource group to deploy into; when absent, the stack creates `<prefix>-rg…`. */
  resourceGroupName: config.get("resourceGroupName"),
  /**
   * Keys and connection strings where Entra ID serves: off by default (the Event Grid domain takes
   * Entra tokens from publishers with EventGrid Data Sender; Application Insights takes the app's).
   */
  localAuth: config.getBoolean("localAuth") ?? false,
  /** Key Vault purge protection (a new workspace's vault): on by default. */
  keyVaultPurgeProtection: config.getBoolean("keyVaultPurgeProtection") ?? true,
  /** Diagnostic settings to the stack's Log Analytics workspace for Event Grid, storage and the function. */
  diagnostics: config.getBoolean("diagnostics") ?? true,
  /** Who the alerts (dead letters, rejections) email; none still makes the alert rules. */
  alertEmails: config.getObject<string[]>("alertEmails") ?? [],
  /** Tags on every resource that takes them, besides the stack's own `project` and `stack`. */
  tags: config.getObject<Record<string, unknown>>("tags") ?? {},
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
  /**
   * Who runs `pulumi up` (gets the workspace storage's data roles for `register`): User,
   * ServicePrincipal or Group. When unset, read from the deploying token (infra/deployer.ts).
   */
  deployerPrincipalType: config.get<PrincipalType>("deployerPrincipalType"),
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

/** Every problem with the stack settings, each naming its setting; empty when they are sound. */
export function settingsProblems(s: typeof settings): string[] {
  const problems: string[] = [];
  if (!NAME_PREFIX.test(s.namePrefix))
    problems.push(
      `namePrefix: ${JSON.stringify(s.namePrefix)} must be 1 to 11 lowercase letters or digits, starting with a letter: it begins the storage account names (3-24 lowercase letters and digits, with "host" or "ml" and Pulumi's 8 random characters after it) and the Key Vault's`,
    );
  if (s.amlSystemTopicName !== undefined && s.amlWorkspaceId === undefined)
    problems.push(
      "amlSystemTopicName: names the existing system topic of the workspace amlWorkspaceId names; without amlWorkspaceId the stack creates the workspace and its topic, so there is none to name — set amlWorkspaceId or remove amlSystemTopicName",
    );
  if (s.deployerPrincipalType !== undefined && !PRINCIPAL_TYPES.includes(s.deployerPrincipalType))
    problems.push(
      `deployerPrincipalType: ${JSON.stringify(s.deployerPrincipalType)} must be User, ServicePrincipal or Group (or unset: it is then read from the deploying identity's token)`,
    );
  if (s.resourceGroupName !== undefined && !/^[-\w.()]{1,89}[-\w()]$/u.test(s.resourceGroupName))
    problems.push(
      `resourceGroupName: ${JSON.stringify(s.resourceGroupName)} is not a resource group name (1-90 letters, digits, - _ . ( ), not ending in .)`,
    );
  if (!Array.isArray(s.alertEmails))
    problems.push(`alertEmails: must be a list of email addresses, like ["ml-oncall@example.com"]`);
  else
    for (const email of s.alertEmails)
      if (typeof email !== "string" || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
        problems.push(`alertEmails: ${JSON.stringify(email)} is not an email address`);
  const tagNames = Object.keys(s.tags);
  if (tagNames.length > 48)
    problems.push(
      `tags: ${tagNames.length} tags; Azure allows 50 per resource, and the stack adds 2`,
    );
  for (const [name, value] of Object.entries(s.tags)) {
    if (typeof value !== "string")
      problems.push(`tags.${name}: must be a string, not ${JSON.stringify(value)}`);
    else if (value.length > 256)
      problems.push(`tags.${name}: the value is longer than 256 characters`);
    if (name.length === 0 || name.length > 128 || /[<>%&\\?/]/.test(name))
      problems.push(
        `tags: ${JSON.stringify(name)} is not a tag name Azure accepts (1-128 characters, none of < > % & \\ ? /)`,
      );
  }
  const range = (name: string, value: number, low: number, high: number, why: string) => {
    if (!Number.isInteger(value) || value < low || value > high)
      problems.push(`${name}: ${value} must be a whole number from ${low} to ${high} (${why})`);
  };
  range("maxEventsPerBatch", s.delivery.maxEventsPerBatch, 1, 5000, "Event Grid's limits");
  range(
    "preferredBatchSizeInKilobytes",
    s.delivery.preferredBatchSizeInKilobytes,
    1,
    1024,
    "Event Grid's limits",
  );
  range("maxDeliveryAttempts", s.delivery.maxDeliveryAttempts, 1, 30, "Event Grid's limits");
  range(
    "eventTimeToLiveInMinutes",
    s.delivery.eventTimeToLiveInMinutes,
    1,
    1440,
    "Event Grid's limits",
  );
  range(
    "maximumInstanceCount",
    s.functionApp.maximumInstanceCount,
    40,
    1000,
    "Flex Consumption's limits",
  );
  range("computeMaxNodes", s.compute.maxNodes, 0, 1000, "nodes of the compute cluster");
  if (![512, 2048, 4096].includes(s.functionApp.instanceMemoryMB))
    problems.push(
      `instanceMemoryMB: ${s.functionApp.instanceMemoryMB} must be 512, 2048 or 4096 (the Flex Consumption instance sizes)`,
    );
  if (!(s.functionApp.armWritesPerSecond > 0))
    problems.push(
      `armWritesPerSecond: ${s.functionApp.armWritesPerSecond} must be a positive number`,
    );
  if (!(s.functionApp.armWriteBurst >= 1))
    problems.push(`armWriteBurst: ${s.functionApp.armWriteBurst} must be at least 1`);
  return problems;
}

const problems = settingsProblems(settings);
if (problems.length > 0)
  throw new Error(`Invalid stack settings:\n${problems.map((p) => `  ${p}`).join("\n")}`);
