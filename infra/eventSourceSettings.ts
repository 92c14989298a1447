import { isRecord } from "../shared/guards";
import { AML_PREFIX } from "../shared/workflows/eventTypes";
import { typePrefixOf } from "./eventFilters";

/** An Event Grid system topic that exists already: Azure allows one per source. */
export interface ExistingSystemTopic {
  name: string;
  /** Its resource group; the source's by default. */
  resourceGroup?: string;
}

/** A storage account whose blob events start workflows: its ARM id, alone or with its existing system topic. */
export type StorageAccountSetting = string | { id: string; systemTopic?: ExistingSystemTopic };

/** Any other Azure resource with an Event Grid system topic: an IoT hub, a key vault, a container registry… */
export interface EventSourceSetting {
  id: string;
  /** The system topic's type, e.g. `Microsoft.Devices.IoTHubs`. */
  topicType: string;
  /** The resource's region (`global` for a global resource such as Azure Maps); needed unless `systemTopic` names one. */
  location?: string;
  /** What to subscribe to; by default the workflows' types under the topic type's namespace. */
  eventTypes?: string[];
  systemTopic?: ExistingSystemTopic;
}

/** One event source as the components take it. */
export interface EventSource {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Logical names of its resources begin with `<prefix>-<key>`: stable while the source is listed. */
  key: string;
  topicType: string;
  /** What its event types begin with, e.g. `Microsoft.Storage.`. */
  typePrefix: string;
  location?: string;
  eventTypes?: string[];
  systemTopic?: { name: string; resourceGroup: string };
  /** The setting it came from, for messages: `storageAccounts[0]`. */
  setting: string;
}

export const STORAGE_TOPIC_TYPE = "Microsoft.Storage.StorageAccounts";

const STORAGE_ID =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([-\w.()]{1,90})\/providers\/Microsoft\.Storage\/storageAccounts\/([a-z0-9]{3,24})$/i;
// A top-level resource in a resource group: what the function accepts in EVENT_SOURCES.
const SOURCE_ID =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([-\w.()]{1,90})\/providers\/([\w.]+)\/[^/]+\/[^/]+$/i;
const TOPIC_TYPE = /^[A-Za-z][\w]*(?:\.[A-Za-z][\w]*){2,}$/;
const STORAGE_KEYS = ["id", "systemTopic"];
const SOURCE_KEYS = ["id", "topicType", "location", "eventTypes", "systemTopic"];

const show = (value: unknown) => JSON.stringify(value);

/** The source's resource name and what kind of resource it is, as a name Azure accepts in a topic's. */
function keyOf(id: string, namespace: string): string {
  const name = id.slice(id.lastIndexOf("/") + 1);
  const kind = namespace.split(".")[1] ?? namespace;
  return `${name}-${kind}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
}

function unknownKeys(entry: Record<string, unknown>, allowed: string[], at: string): string[] {
  return Object.keys(entry)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${at}: unknown key ${show(key)} (known: ${allowed.join(", ")})`);
}

function systemTopicOf(
  value: unknown,
  resourceGroup: string,
  at: string,
  problems: string[],
): EventSource["systemTopic"] {
  if (value === undefined) return undefined;
  const topic = isRecord(value) ? value : {};
  const { name, resourceGroup: group } = topic;
  if (typeof name !== "string" || !/^[a-zA-Z0-9][a-zA-Z0-9-]{1,126}[a-zA-Z0-9]$/.test(name)) {
    problems.push(
      `${at}.systemTopic: must be { name, resourceGroup? } naming the existing system topic (3-128 letters, digits and hyphens), not ${show(value)}`,
    );
    return undefined;
  }
  if (group !== undefined && (typeof group !== "string" || !/^[-\w.()]{1,90}$/.test(group))) {
    problems.push(`${at}.systemTopic.resourceGroup: ${show(group)} is not a resource group name`);
    return undefined;
  }
  problems.push(...unknownKeys(topic, ["name", "resourceGroup"], `${at}.systemTopic`));
  return { name, resourceGroup: group ?? resourceGroup };
}

function storageAccountOf(entry: unknown, at: string, problems: string[]): EventSource | undefined {
  const fields = typeof entry === "string" ? { id: entry } : isRecord(entry) ? entry : undefined;
  if (fields === undefined || typeof fields.id !== "string") {
    problems.push(
      `${at}: must be a storage account's ARM id, or { id, systemTopic? }, not ${show(entry)}`,
    );
    return undefined;
  }
  problems.push(...unknownKeys(fields, STORAGE_KEYS, at));
  const match = STORAGE_ID.exec(fields.id);
  if (!match) {
    problems.push(
      `${at}: ${show(fields.id)} is not a storage account id (/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>)`,
    );
    return undefined;
  }
  const [, subscriptionId = "", resourceGroup = ""] = match;
  return {
    id: fields.id,
    subscriptionId,
    resourceGroup,
    key: keyOf(fields.id, STORAGE_TOPIC_TYPE),
    topicType: STORAGE_TOPIC_TYPE,
    typePrefix: typePrefixOf(STORAGE_TOPIC_TYPE),
    systemTopic: systemTopicOf(fields.systemTopic, resourceGroup, at, problems),
    setting: at,
  };
}

function eventSourceOf(entry: unknown, at: string, problems: string[]): EventSource | undefined {
  if (!isRecord(entry) || typeof entry.id !== "string" || typeof entry.topicType !== "string") {
    problems.push(
      `${at}: must be { id, topicType, location?, eventTypes?, systemTopic? }, not ${show(entry)}`,
    );
    return undefined;
  }
  problems.push(...unknownKeys(entry, SOURCE_KEYS, at));
  const { id, topicType, location, eventTypes } = entry;
  const match = SOURCE_ID.exec(id);
  if (!match) {
    problems.push(
      `${at}.id: ${show(id)} is not the ARM id of a resource in a resource group (/subscriptions/<guid>/resourceGroups/<group>/providers/<namespace>/<type>/<name>)`,
    );
    return undefined;
  }
  const lowerType = topicType.toLowerCase();
  if (!TOPIC_TYPE.test(topicType)) {
    problems.push(
      `${at}.topicType: ${show(topicType)} is not a system topic type (like Microsoft.Devices.IoTHubs)`,
    );
    return undefined;
  }
  if (lowerType === STORAGE_TOPIC_TYPE.toLowerCase())
    problems.push(`${at}.topicType: list storage accounts under storageAccounts instead`);
  if (lowerType.startsWith(AML_PREFIX.toLowerCase()))
    problems.push(`${at}.topicType: name Azure ML workspaces in amlWorkspaceIds instead`);
  const typePrefix = typePrefixOf(topicType);
  const types =
    Array.isArray(eventTypes) && eventTypes.every((t) => typeof t === "string")
      ? eventTypes
      : undefined;
  if (eventTypes !== undefined && (types === undefined || types.length === 0))
    problems.push(`${at}.eventTypes: must be a non-empty list of event types, or left out`);
  for (const type of types ?? [])
    if (!type.toLowerCase().startsWith(typePrefix.toLowerCase()))
      problems.push(
        `${at}.eventTypes: ${show(type)} is not a ${topicType} event type (they begin ${typePrefix}; Event Grid refuses others on a system topic)`,
      );
  const [, subscriptionId = "", resourceGroup = ""] = match;
  const systemTopic = systemTopicOf(entry.systemTopic, resourceGroup, at, problems);
  if (location === undefined && entry.systemTopic === undefined)
    problems.push(
      `${at}.location: needed to create its system topic: the resource's region (global for a global resource), or name its existing topic in systemTopic`,
    );
  else if (location !== undefined && (typeof location !== "string" || !/^\w+$/.test(location)))
    problems.push(`${at}.location: ${show(location)} is not an Azure region name`);
  return {
    id,
    subscriptionId,
    resourceGroup,
    key: keyOf(id, match[3] ?? ""),
    topicType,
    typePrefix,
    ...(typeof location === "string" ? { location } : {}),
    ...(types === undefined ? {} : { eventTypes: types }),
    systemTopic,
    setting: at,
  };
}

/** The stack's storage accounts and other event sources, each checked; problems name the setting. */
export function eventSourcesOf(
  storageAccounts: unknown,
  eventSources: unknown,
): { sources: EventSource[]; problems: string[] } {
  const problems: string[] = [];
  const sources: EventSource[] = [];
  const each = (
    name: string,
    value: unknown,
    read: (entry: unknown, at: string, problems: string[]) => EventSource | undefined,
  ) => {
    if (!Array.isArray(value)) {
      problems.push(`${name}: must be a list`);
      return;
    }
    value.forEach((entry, i) => {
      const source = read(entry, `${name}[${i}]`, problems);
      if (source) sources.push(source);
    });
  };
  each("storageAccounts", storageAccounts, storageAccountOf);
  each("eventSources", eventSources, eventSourceOf);
  const seen = new Map<string, string>();
  for (const source of sources) {
    for (const [what, value] of [
      ["id", source.id.toLowerCase()],
      ["key", source.key],
    ] as const) {
      const first = seen.get(`${what}:${value}`);
      if (first !== undefined) {
        problems.push(
          what === "id"
            ? `${source.setting}: ${show(source.id)} is listed twice (also ${first}); Azure allows one system topic per source`
            : `${source.setting}: its resources would be named like ${first}'s (${show(source.key)}); list one of them only`,
        );
        break;
      }
      seen.set(`${what}:${value}`, source.setting);
    }
  }
  return { sources, problems };
}
