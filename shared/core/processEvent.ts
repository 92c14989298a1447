import type { JobSubmitter } from "../aml/jobSubmitter";
import { type EventOutcome, TransientError, type WorkflowOutcome } from "../outcome";
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

/**
 * Plans one raw event and submits its jobs. Permanent problems come back as outcomes; when any
 * submission fails transiently the others still finish, then the first failure is thrown so the
 * event is redelivered (deterministic job names make the redelivery safe).
 */
export async function processEvent(
  raw: unknown,
  context: PlanContext,
  submitter: JobSubmitter,
): Promise<EventOutcome> {
  const plan = planEvent(raw, context);
  if (plan.kind === "rejected") return plan;
  if (plan.kind === "ignored")
    return {
      kind: "ignored",
      eventId: plan.event.id,
      eventType: plan.event.type,
      reason: plan.reason,
    };
  const settled = await Promise.allSettled(plan.workflows.map((w) => runWorkflow(w, submitter)));
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
  if (failures.length > 0) {
    const first = failures[0];
    throw first instanceof Error ? first : new TransientError(String(first));
  }
  return {
    kind: "processed",
    eventId: plan.event.id,
    workflows: settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : [])),
  };
}
