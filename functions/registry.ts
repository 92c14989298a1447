import { app, type InvocationContext } from "@azure/functions";

/** An Event Grid handler: one event in, nothing out; throwing asks Event Grid to redeliver. */
export type EventGridHandler = (event: unknown, context: InvocationContext) => Promise<void>;

const eventGridFunctions = new Map<string, EventGridHandler>();

/**
 * Registers an Event Grid function with the Functions host and records it, so the local host
 * (scripts/localHost) serves exactly the functions the real host would, with no second list.
 */
export function registerEventGridFunction(name: string, handler: EventGridHandler): void {
  app.eventGrid(name, { handler });
  eventGridFunctions.set(name, handler);
}

/** Every Event Grid function registered so far, by name. */
export function registeredEventGridFunctions(): ReadonlyMap<string, EventGridHandler> {
  return eventGridFunctions;
}
