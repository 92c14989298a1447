import { parseWorkspaceId, type Workspace } from "../aml/workspace";
import type { NormalizedEvent } from "../events/normalizeEvent";
import { AML_PREFIX, shortEventType } from "../workflows/eventTypes";

/**
 * Why an Azure ML event type is not believed, or undefined when it is. Event Grid sets `topic` (a
 * CloudEvent's `source`) and only a workspace's system topic sends these types; anyone who may
 * publish to the domain topic can write the type. `served`: the default workspace and
 * AML_WORKSPACES, or a dry run's placeholder.
 */
export function untrustedSource(event: NormalizedEvent, served: Workspace[]): string | undefined {
  if (!event.type.toLowerCase().startsWith(AML_PREFIX.toLowerCase())) return undefined;
  const from = parseWorkspaceId(event.source);
  // ARM ids compare without case.
  if (from.ok && served.some((w) => w.id.toLowerCase() === from.value.id.toLowerCase()))
    return undefined;
  const key = event.schema === "cloudevents" ? "source" : "topic";
  const shown = event.source.length > 256 ? `${event.source.slice(0, 253)}...` : event.source;
  return `${shortEventType(event.type)} is an Azure ML event type, believed only from the system topic of a workspace this deployment serves; the event's ${key} ${JSON.stringify(shown)} is not one (served: ${served.map((w) => w.id).join(", ")})`;
}
