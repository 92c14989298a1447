import { ArmPacer, type PacerOptions } from "./armPacer";

/**
 * One pacer per subscription: ARM keeps a write bucket per principal, subscription and region, so a
 * deployment that serves workspaces in two subscriptions reads two buckets and holds on a 429 only
 * where it came from.
 */
export class ArmPacers {
  private readonly bySubscription = new Map<string, ArmPacer>();

  constructor(private readonly options: PacerOptions) {}

  /** The pacer for the subscription an ARM URL names (one shared pacer for URLs that name none). */
  for(url: string): ArmPacer {
    const subscription =
      /\/subscriptions\/([^/]+)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? "";
    let pacer = this.bySubscription.get(subscription);
    if (!pacer) {
      pacer = new ArmPacer(this.options);
      this.bySubscription.set(subscription, pacer);
    }
    return pacer;
  }
}

/** What paces a process's ARM requests: one pacer, or one per subscription. */
export type ArmPacing = ArmPacer | ArmPacers;

/** The pacer a request to this URL takes its turn from. */
export function pacerFor(pacing: ArmPacing, url: string): ArmPacer {
  return pacing instanceof ArmPacers ? pacing.for(url) : pacing;
}
