/** The prefix of Azure ML's event types. */
export const AML_PREFIX = "Microsoft.MachineLearningServices.";

/** The prefix of the events the watcher makes (WATCHED_EVENT_TYPES). */
export const WATCHED_PREFIX = "AmlEventWorkflows.";

/** `ModelRegistered` for an Azure ML or watcher event type, the type itself otherwise: how people say it. */
export function shortEventType(type: string): string {
  const lower = type.toLowerCase();
  for (const prefix of [AML_PREFIX, WATCHED_PREFIX])
    if (lower.startsWith(prefix.toLowerCase())) return type.slice(prefix.length);
  return type;
}

/** True for a type only a served workspace may send: Azure ML's own, or the watcher's. */
export function isWorkspaceEventType(type: string): boolean {
  const lower = type.toLowerCase();
  return [AML_PREFIX, WATCHED_PREFIX].some((prefix) => lower.startsWith(prefix.toLowerCase()));
}
