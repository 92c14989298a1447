import { parseWorkspaceId, type Workspace } from "../aml/workspace";
import type { NormalizedEvent } from "../events/normalizeEvent";
import { AML_PREFIX, isWorkspaceEventType, shortEventType } from "../workflows/eventTypes";

const AZURE_SYSTEM_PREFIX = "microsoft.";

const shown = (source: string) => (source.length > 256 ? `${source.slice(0, 253)}...` : source);

/**
 * Why an event's type is not believed from where it came, or undefined when it is. Event Grid sets
 * `topic` (a CloudEvent's `source`); anyone who may publish to the domain topic can write any type.
 * Azure ML's types and the watcher's are believed only from a served workspace (`served`: the
 * default workspace and AML_WORKSPACES, or a dry run's placeholder); other Azure system topics'
 * types (`Microsoft.Storage.BlobCreated`, …) only from a resource the stack subscribed
 * (`eventSources`: EVENT_SOURCES). Custom types are the domain's, guarded by who may publish.
 */
export function untrustedSource(
  event: NormalizedEvent,
  served: Workspace[],
  eventSources: readonly string[] = [],
): string | undefined {
  const key = event.schema === "cloudevents" ? "source" : "topic";
  if (isWorkspaceEventType(event.type)) {
    const from = parseWorkspaceId(event.source);
    // ARM ids compare without case.
    if (from.ok && served.some((w) => w.id.toLowerCase() === from.value.id.toLowerCase()))
      return undefined;
    const what = event.type.toLowerCase().startsWith(AML_PREFIX.toLowerCase())
      ? "an Azure ML event type, believed only from the system topic of a workspace this deployment serves"
      : "the watcher's event type, believed only from the watcher of a workspace this deployment serves";
    return `${shortEventType(event.type)} is ${what}; the event's ${key} ${JSON.stringify(shown(event.source))} is not one (served: ${served.map((w) => w.id).join(", ")})`;
  }
  if (!event.type.toLowerCase().startsWith(AZURE_SYSTEM_PREFIX)) return undefined;
  const source = event.source.toLowerCase().replace(/\/+$/, "");
  if (eventSources.some((s) => s.toLowerCase().replace(/\/+$/, "") === source)) return undefined;
  return `${event.type} is an Azure system event type, believed only from a resource this deployment subscribes to (EVENT_SOURCES${eventSources.length === 0 ? ", which is empty" : `: ${eventSources.join(", ")}`}); the event's ${key} ${JSON.stringify(shown(event.source))} is not one`;
}
