import type { JobSubmitter } from "../aml/jobSubmitter";
import { type EventOutcome, TransientError, type WorkflowOutcome } from "../outcome";
import type { RejectionStore } from "../rejections/rejectionStore";
import { type PlanContext, planEvent, type WorkflowPlan } from "./planEvent";

async function runWorkflow(plan: WorkflowPlan, submitter: JobSubmitter): Promise<WorkflowOutcome> {
  if (plan.kind === "rejected") return plan;
  const result = await submitter.submit(plan);
  if (result.kind === "rejected")
    return {
      kind: "rejected",
      workflow: plan.workflow,
      jobName: plan.jobName,
      reason: result.reason,
    };
  return {
    kind: result.kind,
    workflow: plan.workflow,
    jobName: plan.jobName,
    request: plan.request,
  };
}

/** Keeps every rejection in the outcome; when one cannot be kept, throws so Event Grid redelivers. */
async function recordRejections(
  raw: unknown,
  outcome: EventOutcome,
  rejections: RejectionStore,
): Promise<void> {
  const time = new Date().toISOString();
  const entries =
    outcome.kind === "rejected"
      ? [{ eventId: outcome.eventId, workflow: null, reason: outcome.reason }]
      : outcome.kind === "processed"
        ? outcome.workflows.flatMap((w) =>
            w.kind === "rejected"
              ? [{ eventId: outcome.eventId, workflow: w.workflow, reason: w.reason }]
              : [],
          )
        : [];
  try {
    await Promise.all(entries.map((entry) => rejections.record({ ...entry, time, event: raw })));
  } catch (error) {
    throw new TransientError(
      `cannot keep the rejection in ${rejections.location}, so the event is handed back for redelivery: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Plans one raw event, submits its jobs and keeps its rejections. Permanent problems come back as
 * outcomes; when any submission fails transiently the others still finish, then the first failure
 * is thrown so the event is redelivered (deterministic job names make the redelivery safe).
 */
export async function processEvent(
  raw: unknown,
  context: PlanContext,
  submitter: JobSubmitter,
  rejections: RejectionStore,
): Promise<EventOutcome> {
  const plan = planEvent(raw, context);
  let outcome: EventOutcome;
  if (plan.kind === "rejected") outcome = plan;
  else if (plan.kind === "ignored")
    outcome = {
      kind: "ignored",
      eventId: plan.event.id,
      eventType: plan.event.type,
      reason: plan.reason,
    };
  else {
    const settled = await Promise.allSettled(plan.workflows.map((w) => runWorkflow(w, submitter)));
    const workflows = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failure = settled.find((s) => s.status === "rejected");
    if (failure) {
      // Keep what was rejected before handing the event back; the redelivery overwrites the same entries.
      await recordRejections(
        raw,
        { kind: "processed", eventId: plan.event.id, workflows },
        rejections,
      );
      const reason: unknown = failure.reason;
      throw reason instanceof Error ? reason : new TransientError(String(reason));
    }
    outcome = { kind: "processed", eventId: plan.event.id, workflows };
  }
  await recordRejections(raw, outcome, rejections);
  return outcome;
}
