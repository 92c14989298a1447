import { ArmPacer } from "../../shared/aml/armPacer";
import { seededRandom } from "./random";

/** A fleet of pacers on one simulated ARM write bucket, on a virtual clock: seconds of ARM in milliseconds. */
export interface PacerFleetOptions {
  instances: number;
  events: number;
  bucket: { size: number; perSecond: number };
  /** What each instance's pacer is told (the deployment's rate and burst, or a fixed share). */
  pacing: { writesPerSecond: number; burst: number };
  /** Whether ARM's answers say what is left (`x-ms-ratelimit-remaining-subscription-writes`). */
  headers: boolean;
  /** Deliveries Event Grid has in flight at once. */
  concurrency: number;
  /** ARM's round trip. */
  latencyMs: number;
  /** How long an invocation may wait for its turn before handing the event back. */
  budgetMs: number;
  /** Event Grid's wait before delivering a handed-back event again. */
  retryMs: number;
  seed: number;
  /** Another user of the principal, writing steadily at this rate while the burst lasts. */
  otherWriterPerSecond?: number;
}

/** What the simulated burst came to. */
export interface PacerFleetFigures {
  jobs: number;
  requests: number;
  throttled: number;
  handedBack: number;
  drainSeconds: number;
  /** Seconds from an event's first delivery to its job, p99. */
  p99Seconds: number;
}

/** Runs the burst to the end on the virtual clock. */
export async function simulatePacerFleet(o: PacerFleetOptions): Promise<PacerFleetFigures> {
  const random = seededRandom(o.seed);
  let clock = 0;
  const timers: { at: number; run: () => void }[] = [];
  // Kept in order of time, then of scheduling.
  const at = (time: number, run: () => void) => {
    let low = 0;
    let high = timers.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((timers[mid]?.at ?? 0) <= time) low = mid + 1;
      else high = mid;
    }
    timers.splice(low, 0, { at: time, run });
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      at(clock + Math.max(0, ms), resolve);
    });

  let tokens = o.bucket.size;
  let refilledAt = 0;
  const take = (): { ok: boolean; remaining: number; retryAfterMs: number } => {
    tokens = Math.min(o.bucket.size, tokens + ((clock - refilledAt) / 1000) * o.bucket.perSecond);
    refilledAt = clock;
    if (tokens >= 1) {
      tokens -= 1;
      return { ok: true, remaining: Math.floor(tokens), retryAfterMs: 0 };
    }
    return {
      ok: false,
      remaining: 0,
      retryAfterMs: 1000 * Math.max(1, Math.ceil((1 - tokens) / o.bucket.perSecond)),
    };
  };

  const pacers = Array.from(
    { length: o.instances },
    () =>
      new ArmPacer({
        ...o.pacing,
        now: () => clock,
        sleep,
        random,
      }),
  );
  const figures = { jobs: 0, requests: 0, throttled: 0, handedBack: 0 };
  const firstSeen = new Map<number, number>();
  const latencies: number[] = [];

  // One invocation: wait for a turn, PUT, follow 429s until the budget ends; true when the job exists.
  const invoke = async (pacer: ArmPacer, event: number): Promise<boolean> => {
    const deadline = clock + o.budgetMs;
    for (;;) {
      let sentBefore: number;
      try {
        sentBefore = await pacer.turn("write", deadline - o.latencyMs);
      } catch {
        return false;
      }
      figures.requests += 1;
      await sleep(o.latencyMs / 2);
      const answer = take();
      await sleep(o.latencyMs / 2);
      pacer.answered(o.headers ? answer.remaining : undefined, sentBefore);
      if (answer.ok) {
        figures.jobs += 1;
        latencies.push(clock - (firstSeen.get(event) ?? clock));
        return true;
      }
      figures.throttled += 1;
      pacer.hold(answer.retryAfterMs);
    }
  };

  const queue = Array.from({ length: o.events }, (_, i) => i);
  const deliverer = async () => {
    for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
      if (!firstSeen.has(event)) firstSeen.set(event, clock);
      const pacer = pacers[Math.floor(random() * pacers.length)] as ArmPacer;
      if (!(await invoke(pacer, event))) {
        figures.handedBack += 1;
        const again = event;
        at(clock + o.retryMs, () => queue.push(again));
        // Event Grid keeps its other deliveries going while this one waits.
      }
    }
  };
  let active = 0;
  const startDeliverers = () => {
    while (active < o.concurrency && queue.length > 0) {
      active += 1;
      void deliverer().then(() => (active -= 1));
    }
  };
  const otherWriter = () => {
    if (figures.jobs >= o.events || !o.otherWriterPerSecond) return;
    take();
    at(clock + 1000 / o.otherWriterPerSecond, otherWriter);
  };
  otherWriter();
  startDeliverers();
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    startDeliverers();
    await new Promise((resolve) => setImmediate(resolve));
    if (timers.length === 0) break;
    const next = timers.shift();
    if (!next) break;
    clock = next.at;
    next.run();
  }
  latencies.sort((a, b) => a - b);
  return {
    ...figures,
    drainSeconds: clock / 1000,
    p99Seconds: (latencies[Math.ceil(0.99 * latencies.length) - 1] ?? 0) / 1000,
  };
}
