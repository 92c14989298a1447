import { TransientError } from "../errors";
import { MAX_HOLD_MS } from "./retryDelay";

/** How fast this process may write to ARM: a share of the principal's bucket (AZURE-FACTS §7). */
export interface PacerOptions {
  /** Writes per second this process may make (ARM refills 10/s per principal, shared by every instance). */
  writesPerSecond: number;
  /** Writes this process may make at once after a quiet spell (ARM's bucket holds 200). */
  burst: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Paces every ARM request this process makes, as one: writes take turns from a token bucket that
 * follows ARM's documented write rate (virtual scheduling: each turn is reserved in advance, so
 * waiters queue instead of polling), and a 429's Retry-After holds every request in the process.
 * A request whose turn falls after its deadline is refused at once, without taking a turn, so the
 * invocation can hand its event back to Event Grid while there is still time to answer.
 */
export class ArmPacer {
  private readonly interval: number;
  private readonly tolerance: number;
  private theoreticalArrival: number;
  private holdUntil = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: PacerOptions) {
    if (!(options.writesPerSecond > 0) || !(options.burst >= 1))
      throw new Error("ARM pacing needs a positive rate and a burst of at least 1");
    this.interval = 1000 / options.writesPerSecond;
    this.tolerance = (options.burst - 1) * this.interval;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.theoreticalArrival = this.now();
  }

  /**
   * Waits for this request's turn: a write takes a token, a read only respects a hold. Throws a
   * TransientError at once when the turn would come later than `latestStart`.
   */
  async turn(kind: "write" | "read", latestStart: number): Promise<void> {
    for (;;) {
      const now = this.now();
      const hold = this.holdUntil;
      let start = Math.max(now, hold);
      let next = this.theoreticalArrival;
      if (kind === "write") {
        start = Math.max(start, this.theoreticalArrival - this.tolerance);
        next = Math.max(this.theoreticalArrival, start) + this.interval;
      }
      if (start > latestStart)
        throw new TransientError(
          `ARM is busy: this process's next ${kind} turn is in ${Math.ceil((start - now) / 1000)} s, past the submission budget${hold > now ? " (ARM asked to wait with Retry-After)" : ""}; Event Grid will deliver the event again`,
        );
      this.theoreticalArrival = next;
      if (start > now) await this.sleep(start - now);
      // A 429 that arrived while waiting holds this turn too: take a new one after the hold.
      if (this.holdUntil <= hold || this.holdUntil <= this.now()) return;
    }
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
    this.theoreticalArrival = Math.max(this.theoreticalArrival, until + this.tolerance);
  }
}
