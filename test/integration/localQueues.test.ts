import { setTimeout as sleep } from "node:timers/promises";

import type { InvocationContext } from "@azure/functions";
import { type QueueClient, QueueServiceClient } from "@azure/storage-queue";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { QueueHandler } from "../../functions/registry";
import { startQueueFunctions } from "../../scripts/localHost/queues";
import { startTestAzurite } from "../support/azurite";

let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
let service: QueueServiceClient;
const running: { stop: () => Promise<void> }[] = [];
let queues = 0;

/** A queue of its own per test, so no test sees another's messages. */
const newQueue = () => service.getQueueClient(`local-queue-${++queues}-${Date.now()}`);

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** Runs one queue function on `queue` with a quick poll, its log lines kept in `lines`. */
function serve(queue: QueueClient, handler: QueueHandler, lines: string[] = []) {
  const host = startQueueFunctions(
    new Map([["closeTestWindows", { queueName: queue.name, handler }]]),
    service,
    (line) => lines.push(line),
    () => undefined,
    { pollIntervalMs: 100 },
  );
  running.push(host);
  return host;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 8000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(50);
  }
}

const messagesIn = async (queue: QueueClient) =>
  (await queue.getProperties()).approximateMessagesCount;

beforeAll(async () => {
  azurite = await startTestAzurite();
  service = QueueServiceClient.fromConnectionString(azurite.connectionString);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((host) => host.stop()));
});

afterAll(async () => {
  await azurite.stop();
});

describe("the local host's queue functions", () => {
  it("hands a delayed message over once visible, decoded and parsed, and deletes it after success", async () => {
    const queue = newQueue();
    await queue.create();
    const seen: { body: unknown; context: InvocationContext; at: number }[] = [];
    const host = serve(queue, (body, context) => {
      seen.push({ body, context, at: Date.now() });
    });
    expect(host.queues).toEqual(new Map([["closeTestWindows", queue.name]]));
    const sentAt = Date.now();
    await queue.sendMessage(base64(JSON.stringify({ version: 1, key: "churn" })), {
      visibilityTimeout: 1,
    });
    const [first] = await until(() => (seen.length > 0 ? seen : undefined));
    expect(first?.at).toBeGreaterThanOrEqual(sentAt + 900);
    expect(first?.body).toEqual({ version: 1, key: "churn" });
    expect(first?.context.functionName).toBe("closeTestWindows");
    expect(first?.context.triggerMetadata?.dequeueCount).toBe(1);
    await until(async () => ((await messagesIn(queue)) === 0 ? true : undefined));
    expect(seen).toHaveLength(1);
  });

  it("hands plain text over as a string", async () => {
    const queue = newQueue();
    const seen: unknown[] = [];
    // The queue does not exist yet: the local host makes it, as the Functions host does.
    serve(queue, (body) => {
      seen.push(body);
    });
    await until(async () => ((await queue.exists()) ? true : undefined));
    await queue.sendMessage(base64("close churn now"));
    await until(() => (seen.length > 0 ? true : undefined));
    expect(seen).toEqual(["close churn now"]);
  });

  it("retries a failing message and after 5 tries moves it, as sent, to <queue>-poison", async () => {
    const queue = newQueue();
    const poison = service.getQueueClient(`${queue.name}-poison`);
    await queue.create();
    const tries: unknown[] = [];
    const lines: string[] = [];
    serve(
      queue,
      (_body, context) => {
        tries.push(context.triggerMetadata?.dequeueCount);
        throw new Error("workspace unreachable");
      },
      lines,
    );
    const text = base64(JSON.stringify({ attempt: 0 }));
    await queue.sendMessage(text);
    const poisoned = await until(async () => {
      if (!(await poison.exists())) return undefined;
      return (await poison.receiveMessages()).receivedMessageItems[0];
    });
    expect(poisoned.messageText).toBe(text);
    expect(tries).toEqual([1, 2, 3, 4, 5]);
    expect(await messagesIn(queue)).toBe(0);
    expect(lines.filter((line) => line.includes("workspace unreachable"))).toHaveLength(5);
    expect(lines.join("\n")).toMatch(/closeTestWindows .*moving it to local-queue-.*-poison/);
  });

  it("moves a message that is not base64 to <queue>-poison without running the function", async () => {
    const queue = newQueue();
    const poison = service.getQueueClient(`${queue.name}-poison`);
    await queue.create();
    const seen: unknown[] = [];
    serve(queue, (body) => {
      seen.push(body);
    });
    await queue.sendMessage("{not base64}");
    const poisoned = await until(async () =>
      (await poison.exists())
        ? (await poison.receiveMessages()).receivedMessageItems[0]
        : undefined,
    );
    expect(poisoned.messageText).toBe("{not base64}");
    expect(seen).toEqual([]);
  });

  it("never runs more than batchSize handlers of one function at once", async () => {
    const queue = newQueue();
    await queue.create();
    let now = 0;
    let most = 0;
    let done = 0;
    const host = startQueueFunctions(
      new Map([
        [
          "closeTestWindows",
          {
            queueName: queue.name,
            handler: async () => {
              most = Math.max(most, ++now);
              await sleep(100);
              now--;
              done++;
            },
          },
        ],
      ]),
      service,
      () => undefined,
      () => undefined,
      { pollIntervalMs: 50, batchSize: 3 },
    );
    running.push(host);
    await Promise.all(Array.from({ length: 10 }, (_, i) => queue.sendMessage(base64(`m${i}`))));
    await until(() => (done === 10 ? true : undefined));
    expect(most).toBe(3);
  });

  it("stop() waits for a running handler, which then deletes its message", async () => {
    const queue = newQueue();
    await queue.create();
    let started = false;
    let finished = false;
    const host = serve(queue, async () => {
      started = true;
      await sleep(500);
      finished = true;
    });
    await queue.sendMessage(base64("slow"));
    await until(() => (started ? true : undefined));
    await host.stop();
    expect(finished).toBe(true);
    expect(await messagesIn(queue)).toBe(0);
  });
});
