import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import {
  type DequeuedMessageItem,
  type QueueClient,
  QueueServiceClient,
} from "@azure/storage-queue";

import type { QueueHandler } from "../../functions/registry";
import { errorMessage } from "../../shared/errors";
import { storageFailureOf } from "../../shared/storage/guardedBlobDocuments";
import { localInvocationContext } from "./webhookServer";

/** The host.json `extensions.queues` settings the local host follows, at the host's defaults. */
export interface QueuePolling {
  /** Handlers run at once per function (host default 16). */
  batchSize: number;
  /** Failed tries before a message goes to `<queue>-poison` (host default 5). */
  maxDequeueCount: number;
  /** The wait after an empty poll; the host backs off from 100 ms up to `maxPollingInterval` (1 min) instead. */
  pollIntervalMs: number;
  /** How long a received message stays invisible while its handler runs (the host renews its lease; this one does not). */
  leaseSeconds: number;
}

const DEFAULT_POLLING: QueuePolling = {
  batchSize: 16,
  maxDequeueCount: 5,
  pollIntervalMs: 1000,
  leaseSeconds: 300,
};

/** The most one Get Messages call returns. */
const MAX_RECEIVE = 32;

/**
 * A queue message as the host hands it to a Node function: base64 decoded (host.json
 * `messageEncoding`'s default), then parsed when it is JSON (the library's `fromRpcTypedData`).
 */
export function decodeQueueMessage(
  text: string,
): { ok: true; text: string; value: unknown } | { ok: false } {
  const compact = text.replace(/\s/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return { ok: false };
  const decoded = Buffer.from(compact, "base64").toString("utf8");
  try {
    return { ok: true, text: decoded, value: JSON.parse(decoded) as unknown };
  } catch {
    return { ok: true, text: decoded, value: decoded };
  }
}

/**
 * Runs each queue function on its queue as the Functions host does: polls it, hands each message
 * to the handler, deletes it when the handler returns, makes it visible again when it throws
 * (host.json `visibilityTimeout` 0), and after `maxDequeueCount` tries moves it to
 * `<queue>-poison`. Queues are made when missing. Returns the queues and how to stop polling
 * (which waits for the handlers running).
 */
export function startQueueFunctions(
  functions: ReadonlyMap<string, { queueName: string; handler: QueueHandler }>,
  storage: string | QueueServiceClient,
  log: (line: string) => void,
  records: (line: string) => void,
  polling: Partial<QueuePolling> = {},
): { queues: Map<string, string>; stop: () => Promise<void> } {
  const settings = { ...DEFAULT_POLLING, ...polling };
  const service =
    typeof storage === "string"
      ? QueueServiceClient.fromConnectionString(storage, {
          retryOptions: { maxTries: 3, tryTimeoutInMs: 10_000, maxRetryDelayInMs: 1000 },
        })
      : storage;
  const stopping = new AbortController();
  const queues = new Map<string, string>();
  const loops: Promise<void>[] = [];
  for (const [name, { queueName, handler }] of functions) {
    queues.set(name, queueName);
    const say = (line: string) => {
      log(`[${new Date().toISOString()}] ${name} ${line}`);
    };
    loops.push(
      pollQueue(service.getQueueClient(queueName), service.getQueueClient(`${queueName}-poison`), {
        handler,
        settings,
        signal: stopping.signal,
        say,
        context: (id) => localInvocationContext(name, id, [], log, records),
      }),
    );
  }
  return {
    queues,
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

interface Poller {
  handler: QueueHandler;
  settings: QueuePolling;
  signal: AbortSignal;
  say: (line: string) => void;
  context: (invocationId: string) => ReturnType<typeof localInvocationContext>;
}

/** Waits `ms`, or less when polling stops. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

const stopRequested = (signal: AbortSignal): boolean => signal.aborted;

async function pollQueue(queue: QueueClient, poison: QueueClient, poller: Poller): Promise<void> {
  const { settings, signal, say } = poller;
  const running = new Set<Promise<void>>();
  const stopped = new Promise<void>((resolve) => {
    signal.addEventListener("abort", () => {
      resolve();
    });
  });
  let created = false;
  let failing = false;
  while (!signal.aborted) {
    const room = settings.batchSize - running.size;
    if (room <= 0) {
      await Promise.race([...running, stopped]);
      continue;
    }
    let messages: DequeuedMessageItem[];
    try {
      if (!created) await queue.createIfNotExists({ abortSignal: signal });
      created = true;
      messages = (
        await queue.receiveMessages({
          numberOfMessages: Math.min(room, MAX_RECEIVE),
          visibilityTimeout: settings.leaseSeconds,
          abortSignal: signal,
        })
      ).receivedMessageItems;
      failing = false;
    } catch (error) {
      // The loop's check has narrowed `aborted`; the receive may have been aborted since.
      if (stopRequested(signal)) break;
      if (storageFailureOf(error).code === "QueueNotFound") created = false;
      // One line per outage, not one a poll.
      else if (!failing)
        say(`cannot read queue ${queue.name}, still trying: ${errorMessage(error)}`);
      failing = true;
      await pause(settings.pollIntervalMs, signal);
      continue;
    }
    for (const message of messages) {
      const run = handleMessage(queue, poison, poller, message);
      running.add(run);
      void run.finally(() => running.delete(run));
    }
    // As the host does: after a batch, poll again at once; after an empty poll, wait.
    if (messages.length === 0) await pause(settings.pollIntervalMs, signal);
  }
  await Promise.all(running);
}

async function handleMessage(
  queue: QueueClient,
  poison: QueueClient,
  { handler, settings, say, context: contextFor }: Poller,
  message: DequeuedMessageItem,
): Promise<void> {
  const { messageId, popReceipt, messageText, dequeueCount } = message;
  const decoded = decodeQueueMessage(messageText);
  try {
    if (!decoded.ok) {
      // The Queues extension moves a message it cannot decode to the poison queue at once, without
      // running the function: https://github.com/Azure/azure-sdk-for-net/pull/18326
      say(
        `message ${messageId} is not base64 (host.json messageEncoding); moving it to ${poison.name}`,
      );
      await moveToPoison(queue, poison, message);
      return;
    }
    const invocationId = randomUUID();
    const context = contextFor(invocationId);
    context.triggerMetadata = {
      queueTrigger: decoded.text,
      id: messageId,
      dequeueCount,
      popReceipt,
      insertionTime: message.insertedOn.toISOString(),
      expirationTime: message.expiresOn.toISOString(),
      nextVisibleTime: message.nextVisibleOn.toISOString(),
    };
    try {
      await handler(decoded.value, context);
    } catch (error) {
      say(
        `(${invocationId.slice(0, 8)}) failed on message ${messageId} (try ${dequeueCount} of ${settings.maxDequeueCount}): ${errorMessage(error)}`,
      );
      if (dequeueCount >= settings.maxDequeueCount) {
        say(
          `message ${messageId} has reached maxDequeueCount ${settings.maxDequeueCount}; moving it to ${poison.name}`,
        );
        await moveToPoison(queue, poison, message);
      } else {
        await queue.updateMessage(messageId, popReceipt, messageText, 0);
      }
      return;
    }
    await queue.deleteMessage(messageId, popReceipt);
  } catch (error) {
    // The lease ended or the queue is gone: the message comes back when its lease ends, as in Azure.
    say(`could not settle message ${messageId} on ${queue.name}: ${errorMessage(error)}`);
  }
}

/** Copies the message, as it was sent, to the poison queue (made when missing) and deletes it. */
async function moveToPoison(
  queue: QueueClient,
  poison: QueueClient,
  message: DequeuedMessageItem,
): Promise<void> {
  await poison.createIfNotExists();
  await poison.sendMessage(message.messageText);
  await queue.deleteMessage(message.messageId, message.popReceipt);
}
