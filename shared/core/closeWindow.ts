import type { JobSubmitter } from "../aml/jobSubmitter";
import type { WindowJob } from "../coalesce/coalescer";
import type { Coalescing } from "../coalesce/coalescerFor";
import { parseWindowMessage, type WindowMessage } from "../coalesce/windowMessage";
import type { WindowOutcome } from "../coalesce/windowOutcome";
import { errorMessage } from "../errors";
import type { RejectionStore } from "../rejections/rejectionStore";
import type { EventOutcome, WorkflowOutcome } from "./outcome";
import { printable } from "./printable";
import { submitPlanned } from "./processEvent";

/** After this many put-off tries (about a day and a half at the longest delay) the message is thrown back to the host, which moves it to the poison queue after its own tries. */
const MAX_ATTEMPTS = 40;

/** The delay before try `attempt` + 1: 30 s, doubling, at most an hour. */
export const retryDelaySeconds = (attempt: number): number => Math.min(3600, 30 * 2 ** attempt);

/** The workflow's job for the planned latest event: submitted, or refused with why it cannot run. */
async function jobFor(
  outcome: EventOutcome,
  workflow: string,
  submitter: JobSubmitter,
): Promise<WorkflowOutcome> {
  const refused = (reason: string): WorkflowOutcome => ({ kind: "rejected", workflow, reason });
  if (outcome.kind === "rejected")
    return refused(`its latest event is now rejected: ${outcome.reason}`);
  const planned =
    outcome.kind === "processed"
      ? outcome.workflows.find((w) => w.workflow === workflow)
      : undefined;
  if (outcome.kind === "processed" && planned !== undefined)
    return submitPlanned(planned, outcome.event, submitter);
  const why =
    outcome.skipped.find((s) => s.workflow === workflow)?.why ??
    (outcome.kind === "ignored" ? outcome.reason : "the config has no such workflow");
  return refused(`workflow ${workflow} no longer starts on its latest event: ${why}`);
}

/** Plans the window's latest event with the config in force now and submits the one workflow's job. */
async function runLatest(
  raw: unknown,
  workflow: string,
  deps: {
    plan: (raw: unknown) => EventOutcome;
    submitter: JobSubmitter;
    rejections: RejectionStore;
  },
): Promise<WindowJob> {
  const outcome = deps.plan(raw);
  const job = await jobFor(outcome, workflow, deps.submitter);
  if (job.kind === "rejected")
    // Kept like any rejection, so `status` shows it and `replay` can send the event again.
    await deps.rejections.record({
      eventId: outcome.kind === "rejected" ? outcome.eventId : outcome.event.id,
      workflow,
      reason: printable(`coalescing window closed, but its job was refused: ${job.reason}`),
      time: new Date().toISOString(),
      event: raw,
    });
  return { ...(outcome.kind === "rejected" ? {} : { event: outcome.event }), job };
}

/**
 * Closes the window a queue message names. A failure puts the close off with a new message (30 s,
 * doubling to an hour) rather than the host's quick retries, which a throttled ARM would exhaust;
 * a malformed message, or a failure to put it off, is thrown.
 */
export async function closeWindow(
  body: unknown,
  coalescing: Coalescing,
  deps: {
    plan: (raw: unknown) => EventOutcome;
    submitter: JobSubmitter;
    rejections: RejectionStore;
  },
): Promise<WindowOutcome> {
  const parsed = parseWindowMessage(body);
  if (!parsed.ok) throw new Error(`not a coalescing window's message: ${parsed.errors.join("; ")}`);
  if (coalescing.kind === "unavailable")
    throw new Error(`cannot close coalescing windows: ${coalescing.why}`);
  const message: WindowMessage = parsed.value;
  try {
    return await coalescing.coalescer.close(message, (raw) =>
      runLatest(raw, message.workflow, deps),
    );
  } catch (error) {
    if (message.attempt + 1 >= MAX_ATTEMPTS) throw error;
    const retryInSeconds = retryDelaySeconds(message.attempt);
    await coalescing.queue.schedule({ ...message, attempt: message.attempt + 1 }, retryInSeconds);
    return {
      kind: "retrying",
      workflow: message.workflow,
      key: message.key,
      window: message.window,
      attempt: message.attempt + 1,
      retryInSeconds,
      reason: printable(errorMessage(error)),
    };
  }
}
