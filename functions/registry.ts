import {
  app,
  type EventGridHandler as FunctionsEventGridHandler,
  type TimerHandler as FunctionsTimerHandler,
} from "@azure/functions";

/** An Event Grid handler: one event in (either schema, so not yet typed), nothing out; throwing asks Event Grid to redeliver. */
export type EventGridHandler = FunctionsEventGridHandler<unknown>;

/** A timer handler. */
export type TimerHandler = FunctionsTimerHandler;

const eventGridFunctions = new Map<string, EventGridHandler>();
const timerFunctions = new Map<string, { schedule: string; handler: TimerHandler }>();

/**
 * Registers an Event Grid function with the Functions host and records it, so the local host
 * (scripts/localHost) serves exactly the functions the real host would, with no second list.
 */
export function registerEventGridFunction(name: string, handler: EventGridHandler): void {
  app.eventGrid<unknown>(name, { handler });
  eventGridFunctions.set(name, handler);
}

/** Registers a timer function (`schedule`: NCRONTAB, or `%SETTING%` the host resolves) and records it for the local host. */
export function registerTimerFunction(name: string, schedule: string, handler: TimerHandler): void {
  app.timer(name, { schedule, handler });
  timerFunctions.set(name, { schedule, handler });
}

/** Every Event Grid function registered so far, by name. */
export function registeredEventGridFunctions(): ReadonlyMap<string, EventGridHandler> {
  return eventGridFunctions;
}

/** Every timer function registered so far, by name, with its schedule as registered. */
export function registeredTimerFunctions(): ReadonlyMap<
  string,
  { schedule: string; handler: TimerHandler }
> {
  return timerFunctions;
}
