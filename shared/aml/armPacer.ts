import { TransientError } from "../errors";
import { MAX_HOLD_MS } from "./retryDelay";

/** How much of the principal's ARM write bucket this deployment may use (AZURE-FACTS §7). */
export interface PacerOptions {
  /** Writes per second the deployment may make as a whole: ARM refills the principal's bucket at 10/s. */
  writesPerSecond: number;
  /** How much of the bucket the deployment may draw down at once: ARM's holds 200. */
  burst: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface Waiter {
  latestStart: number;
  resolve: (sentBefore: number) => void;
  reject: (error: Error) => void;
}

/** One reading of the shared bucket: what ARM said was left, and how many writes this process had sent then. */
interface Reading {
  at: number;
  remaining: number;
  sentBefore: number;
}

// The fleet's rate is read over this span of this process's own readings (shorter spans are noise:
// ARM reports whole tokens).
const MIN_SPAN_MS = 100;
const MAX_SPAN_MS = 5000;
// The level spends down over this long, not at once: every instance sees it, and the slowest
// instance reads it only every few seconds.
const DRAWDOWN_MS = 10_000;
// Aim a little under the refill, so the level settles just above the reserve instead of at zero.
const STEADY_SHARE = 0.95;
const MIN_SHARE = 0.01;
const MAX_GROWTH = 2;
const MAX_READINGS = 100;
// A write waiting on slow start goes anyway after this long: an answer that never comes must not stall the process.
const SLOW_START_WAIT_MS = 2000;

/**
 * Paces every ARM request this process makes, as one, to what is left of the principal's write bucket,
 * which every instance of the function shares. ARM says on each write answer how many tokens are left
 * (`x-ms-ratelimit-remaining-subscription-writes`): from two readings a process knows the whole
 * fleet's write rate, and it scales its own so that the fleet writes at ARM's refill, spending what
 * stands in the bucket over a few seconds. Alone it gets the whole bucket; forty share it without
 * knowing how many they are. Without readings it keeps to the settings' rate and burst, which are
 * also its ceiling. Writes queue and go one at a time at the pace in force when their turn comes
 * (no polling); a 429's Retry-After holds every request in the process; a request whose turn falls
 * after its deadline is refused without taking a turn, so its event goes back to Event Grid in time.
 */
export class ArmPacer {
  private readonly capInterval: number;
  private readonly capTolerance: number;
  private readonly rate: number;
  private readonly reserve: number;
  private readonly burst: number;
  private capArrival: number;
  private nextShared: number;
  private sharedInterval = 0;
  private holdUntil = 0;
  private sent = 0;
  private readings: Reading[] = [];
  private waiting: Waiter[] = [];
  private nextWake: number | undefined;
  private answers = 0;
  private lastSentAt = 0;
  private knowsFleet = false;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: PacerOptions) {
    if (!(options.writesPerSecond > 0) || !(options.burst >= 1))
      throw new Error("ARM pacing needs a positive rate and a burst of at least 1");
    this.rate = options.writesPerSecond;
    this.capInterval = 1000 / options.writesPerSecond;
    this.capTolerance = (options.burst - 1) * this.capInterval;
    this.reserve = Math.max(1, options.burst / 10);
    this.burst = options.burst;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.capArrival = this.now();
    this.nextShared = this.capArrival;
  }

  /**
   * Waits for this request's turn: a write takes a token, a read only respects a hold. Throws a
   * TransientError when the turn would come later than `latestStart` (at once when that is already
   * plain). A write resolves to how many writes this process had started before it: pass it back
   * to `answered`.
   */
  async turn(kind: "write" | "read", latestStart: number): Promise<number> {
    const now = this.now();
    if (kind === "read") {
      for (let hold = this.holdUntil; hold > this.now(); hold = this.holdUntil) {
        if (hold > latestStart) throw this.busy(kind, hold, now);
        await this.sleep(hold - this.now());
      }
      return this.sent;
    }
    const expected = Math.max(
      now,
      this.holdUntil,
      this.capArrival - this.capTolerance + this.waiting.length * this.capInterval,
      this.nextShared + this.waiting.length * this.sharedInterval,
    );
    if (expected > latestStart) throw this.busy(kind, expected, now);
    return new Promise((resolve, reject) => {
      this.waiting.push({ latestStart, resolve, reject });
      this.release();
    });
  }

  private busy(kind: string, start: number, now: number): TransientError {
    return new TransientError(
      `ARM is busy: this process's next ${kind} turn is in ${Math.ceil((start - now) / 1000)} s, past the submission budget${this.holdUntil > now ? " (ARM asked to wait with Retry-After)" : ""}; Event Grid will deliver the event again`,
    );
  }

  // Lets waiting writes go one at a time, each at the pace in force when its turn comes (a pace
  // learnt meanwhile applies to writes already waiting, not only to new ones).
  private release(): void {
    for (;;) {
      const waiter = this.waiting[0];
      if (!waiter) return;
      const now = this.now();
      let ready = Math.max(this.holdUntil, this.capArrival - this.capTolerance, this.nextShared);

      // Until it knows the fleet's rate, a process starts slow (while ARM's answers carry readings,
      // and before the first answer): one more write in flight per answer, so forty new instances do
      // not spend the bucket blind.
      if (
        !this.knowsFleet &&
        (this.answers === 0 || this.readings.length > 0) &&
        this.sent - this.answers > this.answers
      )
        ready = Math.max(
          ready,
          Math.min(waiter.latestStart + 1, this.lastSentAt + SLOW_START_WAIT_MS),
        );
      if (ready > now) {
        this.wakeAt(ready);
        return;
      }
      this.waiting.shift();
      if (now > waiter.latestStart) {
        waiter.reject(this.busy("write", now, now));
        continue;
      }
      this.capArrival = Math.max(this.capArrival, now) + this.capInterval;
      this.nextShared = now + this.sharedInterval;
      waiter.resolve(this.sent);
      this.sent += 1;
      this.lastSentAt = now;
    }
  }

  private wakeAt(time: number): void {
    if (this.nextWake !== undefined && this.nextWake <= time) return;
    this.nextWake = time;
    void this.sleep(time - this.now()).then(() => {
      if (this.nextWake === time) this.nextWake = undefined;
      this.release();
    });
  }

  /**
   * ARM answered a write: `remaining` is its count of tokens left in the principal's bucket (undefined
   * when the answer did not say), `sentBefore` what `turn` returned for that write.
   */
  answered(remaining: number | undefined, sentBefore: number): void {
    this.answers += 1;
    if (remaining === undefined || !Number.isFinite(remaining) || remaining < 0) {
      this.release();
      return;
    }
    const now = this.now();
    const reading = { at: now, remaining, sentBefore };
    // The oldest reading of the last few seconds, or else the latest before them: a process that
    // writes once every few seconds still knows the fleet's rate.
    const older = this.readings.filter((r) => now - r.at >= MIN_SPAN_MS);
    const base = older.find((r) => now - r.at <= MAX_SPAN_MS) ?? older.at(-1);
    const recent = this.readings.filter((r) => now - r.at <= MAX_SPAN_MS && r !== base);
    this.readings = [...(base ? [base] : []), ...recent.slice(-MAX_READINGS), reading];
    // Spend what stands above the reserve over a few seconds, on top of a little less than the refill.
    const target = Math.max(
      this.rate * MIN_SHARE,
      this.rate * STEADY_SHARE + ((remaining - this.reserve) * 1000) / DRAWDOWN_MS,
    );
    let allowed = target;
    if (base) {
      this.knowsFleet = true;
      const seconds = (now - base.at) / 1000;
      // The fleet's writes over the span: what the bucket lost, plus what it refilled meanwhile.
      const fleet = Math.max(0, (base.remaining - remaining) / seconds + this.rate);
      const own = Math.max(0, (sentBefore - base.sentBefore) / seconds);
      // Scale this process's rate by target/fleet, as every instance does, so the fleet converges on
      // the target whatever its size.
      if (fleet > 0)
        allowed = Math.min(
          own * (target / fleet),
          Math.max(own, this.rate * MIN_SHARE) * MAX_GROWTH,
        );
      // A bucket that reads nearly full refilled past its top meanwhile, so the fleet's rate above is
      // an overestimate: there is room.
      if (remaining >= this.burst - this.reserve) allowed = Math.max(allowed, target / 2);
    }
    allowed = Math.max(this.rate * MIN_SHARE, allowed);
    // Jitter keeps instances that read the same level from writing in step.
    this.sharedInterval = (1000 / allowed) * (0.9 + 0.2 * this.random());
    this.nextShared = Math.min(this.nextShared, now + this.sharedInterval);
    this.release();
  }

  /** A write got no answer (the connection failed): it is no longer in flight. */
  unanswered(): void {
    this.answers += 1;
    this.release();
  }

  /**
   * ARM said 429: nothing in this process writes or reads until `ms` (at most MAX_HOLD_MS) from now,
   * and the pace restarts after it. A turn whose deadline falls before the hold ends is refused.
   */
  hold(ms: number): void {
    const until = this.now() + Math.min(MAX_HOLD_MS, ms);
    if (until <= this.holdUntil) return;
    this.holdUntil = until;
    // No burst straight after a hold: the writes that waited resume at the steady rate.
    this.capArrival = Math.max(this.capArrival, until + this.capTolerance);
    const now = this.now();
    const late = this.waiting.filter((w) => w.latestStart < until);
    this.waiting = this.waiting.filter((w) => w.latestStart >= until);
    for (const waiter of late) waiter.reject(this.busy("write", until, now));
  }
}
