import type { EventSummary, WorkflowOutcome } from "../core/outcome";
import type { SupersededRecord } from "./supersededStore";

/** What the queue function did with one window's message. */
export type WindowOutcome =
  | {
      kind: "closed";
      workflow: string;
      key: string;
      window: string;
      openedAt: string;
      closedAt: string;
      /** The window's latest event, which its job ran on. */
      latest: EventSummary;
      /** That job: submitted, a duplicate of one already there, or rejected (why). */
      job: WorkflowOutcome;
      superseded: SupersededRecord[];
    }
  /** The message came before the window's end (clocks differ): it was sent again for the rest. */
  | { kind: "not-due"; workflow: string; key: string; window: string; closesAt: string }
  /** Closing failed for now; another message tries again after `retryInSeconds`. */
  | {
      kind: "retrying";
      workflow: string;
      key: string;
      window: string;
      attempt: number;
      retryInSeconds: number;
      reason: string;
    }
  /** Nothing to close: the window closed already, or was never kept (why). */
  | { kind: "gone"; workflow: string; key: string; window: string; reason: string };
