import { app, type EventGridHandler as FunctionsEventGridHandler } from "@azure/functions";

/** An Event Grid handler: one event in (either schema, so not yet typed), nothing out; throwing asks Event Grid to redeliver. */
export type EventGridHandler = FunctionsEventGridHandler<unknown>;

const eventGridFunctions = new Map<string, EventGridHandler>();

/**
 * Registers an Event Grid function with the Functions host and records it, so the local host
 * (scripts/localHost) serves exactly the functions the real host would, with no second list.
 */
export function registerEventGridFunction(name: string, handler: EventGridHandler): void {
  app.eventGrid<unknown>(name, { handler });
  eventGridFunctions.set(name, handler);
}

/** Every Event Grid function registered so far, by name. */
export function registeredEventGridFunctions(): ReadonlyMap<string, EventGridHandler> {
  return eventGridFunctions;
}
