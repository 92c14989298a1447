/** Runs inside a fresh process with the bench environment: loads the deploy bundle and measures throughput, latency and memory. */
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";

type Handler = (event: unknown, context: unknown) => Promise<void>;

const bundle = process.env.BENCH_BUNDLE ?? "";
const { triggerPipelines } = createRequire(__filename)(bundle) as { triggerPipelines: Handler };
const quiet = {
  log: () => undefined,
  error: (m: string) => process.stderr.write(`${m}\n`),
  warn: () => undefined,
};
let serial = 0;

function event(matching: boolean): unknown {
  serial += 1;
  const name = matching ? "credit-risk" : "other";
  return {
    id: `bench-${process.pid}-${serial}`,
    eventType: "Microsoft.MachineLearningServices.ModelRegistered",
    subject: `models/${name}:${serial}`,
    eventTime: "2026-11-24T00:00:00Z",
    // Azure ML events are believed only from the workspace the process serves.
    topic: process.env.AML_WORKSPACE_ID ?? PLACEHOLDER_WORKSPACE_ID,
    data: {
      modelName: name,
      modelVersion: String(serial),
      modelTags: { stage: matching ? "candidate" : "prod" },
    },
  };
}

async function run(
  count: number,
  concurrency: number,
  matching: boolean,
): Promise<{ eps: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const t = performance.now();
        await triggerPipelines(event(matching), quiet);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { eps: count / ((performance.now() - started) / 1000), latencies };
}

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)
  ] ?? 0;
const rssMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};

async function main(): Promise<void> {
  const perConcurrency = Number(process.env.BENCH_EVENTS ?? 3000);
  const memoryTarget = Number(process.env.BENCH_MEMORY_EVENTS ?? 100_000);
  await run(300, 8, true); // warm-up: JIT, TLS session, token
  const throughput = [];
  for (const concurrency of [1, 16, 64]) {
    const { eps, latencies } = await run(perConcurrency, concurrency, true);
    throughput.push({ concurrency, eps, p50: pct(latencies, 50), p99: pct(latencies, 99) });
  }
  const ignored = await run(perConcurrency * 10, 1, false);
  // Memory: RSS once 10k events have been handled, then again at the target.
  const done = 300 + perConcurrency * 3;
  await run(Math.max(0, 10_000 - done), 16, true);
  const rssAt10k = rssMb();
  await run(memoryTarget - Math.max(done, 10_000), 16, true);
  const rssAtTarget = rssMb();
  process.stdout.write(
    `${JSON.stringify({ throughput, ignoreEps: ignored.eps, ignoreP99: pct(ignored.latencies, 99), rssAt10k, rssAtTarget, memoryTarget })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
