import { join, resolve } from "node:path";

import { ARM_WRITE_LIMITS, SETTING_DEFAULTS } from "../shared/constants";
import { ncrontabProblem } from "../shared/settings";
import {
  DEFAULT_ADDRESS_SPACE,
  PRIVATE_DNS_ZONES,
  subnetPrefixes,
  virtualNetworkIdOf,
} from "./components/privateNetwork";
import type { PrincipalType } from "./components/roles";
import {
  type EventSourceSetting,
  eventSourcesOf,
  type StorageAccountSetting,
} from "./eventSourceSettings";
import { namingPatternProblems } from "./naming";

const PRINCIPAL_TYPES: readonly PrincipalType[] = ["User", "ServicePrincipal", "Group"];
/** Days the event archive keeps events unless the stack says otherwise. */
export const ARCHIVE_RETENTION_DAYS = 30;
// Storage account names are 3-24 lowercase letters and digits, and Pulumi appends 8 random
// characters to `<prefix>host` and `<prefix>ml`; the Key Vault's `<prefix>-kv…` has the same limit.
const NAME_PREFIX = /^[a-z][a-z0-9]{0,10}$/;

/**
 * What an `AmlEventWorkflows` deployment can be told: the stack settings of `infra/` by the same
 * names (docs/deploy.md). Only `location` is needed, and it defaults to `azure-native:location`.
 */
export interface AmlEventWorkflowsArgs {
  location?: string;
  namePrefix?: string;
  /** An existing resource group to deploy into; when absent, one is created (`<prefix>-rg…`). */
  resourceGroupName?: string;
  /** Keys and connection strings where Entra ID serves (Event Grid domain, Application Insights). */
  localAuth?: boolean;
  keyVaultPurgeProtection?: boolean;
  /** Diagnostic settings to the stack's Log Analytics workspace for Event Grid, storage and the function. */
  diagnostics?: boolean;
  /** Who the alerts (dead letters, rejections) email. */
  alertEmails?: string[];
  /** Tags on every resource that takes them, besides `project` and `stack`. */
  tags?: Record<string, string>;
  /** An existing workspace's ARM id; when absent, a workspace and a compute cluster are created. */
  amlWorkspaceId?: string;
  /** More existing workspaces served by the same deployment. */
  amlWorkspaceIds?: string[];
  /** The workflows config: absolute, or relative to the folder the program runs in. */
  workflowsFile?: string;
  domainTopicName?: string;
  /** Who runs `pulumi up`; when absent, read from the deploying token. */
  deployerPrincipalType?: PrincipalType;
  /** The workspace's existing system topic (Azure allows one per workspace). */
  amlSystemTopicName?: string;
  maxEventsPerBatch?: number;
  preferredBatchSizeInKilobytes?: number;
  maxDeliveryAttempts?: number;
  eventTimeToLiveInMinutes?: number;
  nodeVersion?: string;
  instanceMemoryMB?: number;
  maximumInstanceCount?: number;
  /** How much of the principal's ARM write bucket the deployment may use. */
  armWritesPerSecond?: number;
  armWriteBurst?: number;
  computeName?: string;
  computeVmSize?: string;
  computeMaxNodes?: number;
  /**
   * The function joins a subnet; the host storage, the Event Grid domain and a new workspace (with
   * its storage and Key Vault) get private endpoints with DNS, and their public access is off.
   */
  privateNetworking?: boolean;
  /** The address space of the network the stack creates (its first two /24s become the subnets). */
  vnetAddressSpace?: string;
  /** Your own subnets instead: the function's (delegated to Microsoft.App/environments) and the endpoints'. */
  functionSubnetId?: string;
  endpointSubnetId?: string;
  /** Create each private DNS zone an endpoint needs and link it to the network(s). */
  createPrivateDnsZones?: boolean;
  /** Existing private DNS zones (a hub's), by zone name: used instead of creating them. */
  privateDnsZoneIds?: Record<string, string>;
  /**
   * Azure names from your convention instead of Pulumi's (`<logical name>` and 8 random
   * characters), e.g. `{abbr}-{prefix}-{role}-{stack}`; infra/naming.ts lists the tokens.
   */
  namingPattern?: string;
  /** When the watcher runs: NCRONTAB with six fields, seconds first (WATCH_SCHEDULE). */
  watchSchedule?: string;
  /** At most this many ARM reads per watcher run (WATCH_MAX_READS). */
  watchMaxReads?: number;
  /** Days the event archive keeps an hour's events after its last write (a lifecycle rule deletes them). */
  archiveRetentionDays?: number;
  /** Storage accounts whose blob events start workflows: ARM ids, or `{ id, systemTopic }` for one with a system topic already. */
  storageAccounts?: StorageAccountSetting[];
  /** Other Azure resources whose system topics start workflows (IoT hubs, key vaults, …). */
  eventSources?: EventSourceSetting[];
}

/** Every setting with its default filled in, grouped as the components take them. */
export function resolveSettings(args: AmlEventWorkflowsArgs, defaultLocation?: string) {
  return {
    location: args.location ?? defaultLocation ?? "",
    namePrefix: args.namePrefix ?? "amlwf",
    namingPattern: args.namingPattern,
    resourceGroupName: args.resourceGroupName,
    localAuth: args.localAuth ?? false,
    keyVaultPurgeProtection: args.keyVaultPurgeProtection ?? true,
    diagnostics: args.diagnostics ?? true,
    alertEmails: args.alertEmails ?? [],
    tags: args.tags ?? {},
    amlWorkspaceId: args.amlWorkspaceId,
    amlWorkspaceIds: args.amlWorkspaceIds ?? [],
    workflowsFile: resolve(args.workflowsFile ?? join("workflows", "workflows.yaml")),
    domainTopicName: args.domainTopicName ?? "ml-events",
    deployerPrincipalType: args.deployerPrincipalType,
    amlSystemTopicName: args.amlSystemTopicName,
    // Event Grid delivery: one event per batch, 64 KB preferred batch, 30 attempts, 1440-minute TTL.
    // 30, not Event Grid's 3: a scale-to-zero app refuses deliveries during a cold start, and 3
    // attempts dead-letter within about a minute; the TTL caps it at about 11 attempts over 23 h.
    delivery: {
      maxEventsPerBatch: args.maxEventsPerBatch ?? 1,
      preferredBatchSizeInKilobytes: args.preferredBatchSizeInKilobytes ?? 64,
      maxDeliveryAttempts: args.maxDeliveryAttempts ?? 30,
      eventTimeToLiveInMinutes: args.eventTimeToLiveInMinutes ?? 1440,
    },
    functionApp: {
      nodeVersion: args.nodeVersion ?? "22",
      instanceMemoryMB: args.instanceMemoryMB ?? 2048,
      // Flex's lowest allowed maximum (40). Instances share ARM's write bucket by reading what is
      // left of it, so the count does not divide it (docs/reliability.md).
      maximumInstanceCount: args.maximumInstanceCount ?? 40,
      // How much of the principal's write bucket the deployment may use: all of it unless capped.
      armWritesPerSecond: args.armWritesPerSecond ?? ARM_WRITE_LIMITS.perSecond,
      armWriteBurst: args.armWriteBurst ?? ARM_WRITE_LIMITS.bucket,
    },
    compute: {
      name: args.computeName ?? "cpu-cluster",
      vmSize: args.computeVmSize ?? "Standard_DS3_v2",
      maxNodes: args.computeMaxNodes ?? 2,
    },
    watch: {
      schedule: args.watchSchedule ?? SETTING_DEFAULTS.watchSchedule,
      maxReads: args.watchMaxReads ?? SETTING_DEFAULTS.watchMaxReads,
    },
    archiveRetentionDays: args.archiveRetentionDays ?? ARCHIVE_RETENTION_DAYS,
    storageAccounts: args.storageAccounts ?? [],
    eventSources: args.eventSources ?? [],
    network: {
      private: args.privateNetworking ?? false,
      addressSpace: args.vnetAddressSpace ?? DEFAULT_ADDRESS_SPACE,
      functionSubnetId: args.functionSubnetId,
      endpointSubnetId: args.endpointSubnetId,
      createDnsZones: args.createPrivateDnsZones ?? true,
      zoneIds: args.privateDnsZoneIds ?? {},
    },
  };
}

/** The settings a deployment runs with. */
export type Settings = ReturnType<typeof resolveSettings>;

/** Every problem with the settings, each naming its setting; empty when they are sound. */
export function settingsProblems(s: Settings): string[] {
  const problems: string[] = [];
  if (s.location === "")
    problems.push(
      "location: none given; set azure-native:location (pulumi config set azure-native:location westeurope) or pass location",
    );
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
    for (const email of s.alertEmails as unknown[])
      if (typeof email !== "string" || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
        problems.push(`alertEmails: ${JSON.stringify(email)} is not an email address`);
  if (!Array.isArray(s.amlWorkspaceIds))
    problems.push(`amlWorkspaceIds: must be a list of workspace ARM ids`);
  const tagNames = Object.keys(s.tags);
  if (tagNames.length > 48)
    problems.push(
      `tags: ${tagNames.length} tags; Azure allows 50 per resource, and the stack adds 2`,
    );
  for (const [name, value] of Object.entries(s.tags as Record<string, unknown>)) {
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
  // Azure takes any whole number of days from 0 (the policy schema: multipleOf 1, minimum 0); 0
  // would delete the hour being written, and 10 years is this project's own bound.
  range(
    "archiveRetentionDays",
    s.archiveRetentionDays,
    1,
    3650,
    "days the event archive keeps events; a storage lifecycle rule deletes them",
  );
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
  problems.push(...watchProblems(s.watch));
  problems.push(...eventSourcesOf(s.storageAccounts, s.eventSources).problems);
  problems.push(...networkProblems(s.network));
  if (s.namingPattern !== undefined) problems.push(...namingPatternProblems(s.namingPattern));
  return problems;
}

function watchProblems(w: Settings["watch"]): string[] {
  const problems: string[] = [];
  // The function's own start-up check: a schedule it would refuse stops the deployment here.
  const scheduleProblem =
    typeof w.schedule === "string" ? ncrontabProblem(w.schedule) : "is not a string";
  if (scheduleProblem !== undefined)
    problems.push(`watchSchedule: ${JSON.stringify(w.schedule)} ${scheduleProblem}`);
  if (!Number.isInteger(w.maxReads) || w.maxReads < 1)
    problems.push(`watchMaxReads: ${w.maxReads} must be a whole number of at least 1`);
  return problems;
}

function networkProblems(n: Settings["network"]): string[] {
  const problems: string[] = [];
  const subnets = { functionSubnetId: n.functionSubnetId, endpointSubnetId: n.endpointSubnetId };
  const given = Object.entries(subnets).filter(([, id]) => id !== undefined);
  if (!n.private) {
    for (const [name] of given)
      problems.push(`${name}: only used with privateNetworking: true (set it, or remove ${name})`);
    return problems;
  }
  if (given.length === 1)
    problems.push(
      `${given[0]?.[0]}: give functionSubnetId and endpointSubnetId together (your own subnets), or neither (the stack creates a network)`,
    );
  for (const [name, id] of given)
    try {
      virtualNetworkIdOf(id ?? "");
    } catch {
      problems.push(
        `${name}: ${JSON.stringify(id)} is not a subnet id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…)`,
      );
    }
  try {
    subnetPrefixes(n.addressSpace);
  } catch {
    problems.push(
      `vnetAddressSpace: ${JSON.stringify(n.addressSpace)} must be an IPv4 range of /8 to /23, like 10.42.0.0/16 (its first two /24s become the function's and the endpoints' subnets)`,
    );
  }
  const zones = new Set<string>(Object.values(PRIVATE_DNS_ZONES).flat());
  for (const [zone, id] of Object.entries(n.zoneIds)) {
    if (!zones.has(zone))
      problems.push(
        `privateDnsZoneIds: ${JSON.stringify(zone)} is not a zone the endpoints use (${[...zones].join(", ")})`,
      );
    if (
      typeof id !== "string" ||
      !/\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+$/i.test(id)
    )
      problems.push(
        `privateDnsZoneIds.${zone}: ${JSON.stringify(id)} is not a private DNS zone id`,
      );
  }
  return problems;
}
