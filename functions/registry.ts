import {
  app,
  type EventGridHandler as FunctionsEventGridHandler,
  type StorageQueueHandler as FunctionsQueueHandler,
  type TimerHandler as FunctionsTimerHandler,
} from "@azure/functions";

import { HOST_STORAGE_SETTINGS } from "../shared/constants";

/** An Event Grid handler: one event in (either schema, so not yet typed), nothing out; throwing asks Event Grid to redeliver. */
export type EventGridHandler = FunctionsEventGridHandler<unknown>;

/** A timer handler. */
export type TimerHandler = FunctionsTimerHandler;

/** A storage-queue handler: one message in (decoded by the host; JSON arrives parsed); throwing asks the host to try it again. */
export type QueueHandler = FunctionsQueueHandler;

const eventGridFunctions = new Map<string, EventGridHandler>();
const queueFunctions = new Map<string, { queueName: string; handler: QueueHandler }>();
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

/**
 * Registers a function on a queue of the host's own storage account (the `AzureWebJobsStorage`
 * connection) and records it for the local host.
 */
export function registerQueueFunction(
  name: string,
  queueName: string,
  handler: QueueHandler,
): void {
  app.storageQueue(name, {
    queueName,
    connection: HOST_STORAGE_SETTINGS.connectionString,
    handler,
  });
  queueFunctions.set(name, { queueName, handler });
}

/** Every queue function registered so far, by name, with its queue. */
export function registeredQueueFunctions(): ReadonlyMap<
  string,
  { queueName: string; handler: QueueHandler }
> {
  return queueFunctions;
}
