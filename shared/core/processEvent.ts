import type { JobSubmitter } from "../aml/jobSubmitter";
import type { ModelTagger } from "../aml/modelTagger";
import { parseWorkspaceId } from "../aml/workspace";
import { LINEAGE_TAGS } from "../constants";
import { errorMessage, TransientError } from "../errors";
import type { RejectionStore } from "../rejections/rejectionStore";
import type {
  EventOutcome,
  EventSummary,
  HeldWindow,
  ReportOutcome,
  WorkflowOutcome,
} from "./outcome";
import { type PlanContext, planEvent } from "./planEvent";
import { printable } from "./printable";

/** Holds a planned event in its workflow's coalescing window instead of submitting it. */
export type HoldInWindow = (
  window: { workflow: string; key: string; windowSeconds: number },
  event: EventSummary,
  raw: unknown,
) => Promise<HeldWindow>;

/** Submits one planned job (its name is deterministic, so a second submission is a duplicate). */
export async function submitPlanned(
  planned: WorkflowOutcome,
  event: { id: string; key: string },
  submitter: JobSubmitter,
): Promise<WorkflowOutcome> {
  if (planned.kind !== "planned") return planned;
  // The job's own lineage key: a chain step's derives from its upstream job, not from the event.
  const eventKey = planned.request.body.properties.tags[LINEAGE_TAGS.eventKey] ?? event.key;
  const result = await submitter.submit({ ...planned, eventId: event.id, eventKey });
  if (result.kind === "rejected")
    return {
      kind: "rejected",
      workflow: planned.workflow,
      jobName: planned.jobName,
      reason: result.reason,
    };
  return { ...planned, kind: result.kind, ...(result.lookups ? { lookups: result.lookups } : {}) };
}

async function runReport(
  planned: ReportOutcome,
  tagger: ModelTagger | undefined,
  deadline: number,
): Promise<ReportOutcome> {
  if (planned.kind !== "planned" || tagger === undefined) return planned;
  const at = planned.model.lastIndexOf(":");
  const workspace = parseWorkspaceId(planned.workspace);
  if (!workspace.ok) throw new TransientError(`report: ${workspace.errors.join("; ")}`);
  const result = await tagger.tag(
    {
      workflow: planned.workflow,
      workspace: workspace.value,
      model: { name: planned.model.slice(0, at), version: planned.model.slice(at + 1) },
      tags: planned.tags,
    },
    deadline,
  );
  return result.kind === "rejected"
    ? { kind: "rejected", workflow: planned.workflow, model: planned.model, reason: result.reason }
    : { ...planned, kind: result.kind };
}

/** Keeps every rejection in the outcome; when one cannot be kept, throws so Event Grid redelivers. */
async function recordRejections(
  raw: unknown,
  outcome: EventOutcome,
  rejections: RejectionStore,
  deadline: number,
): Promise<void> {
  const time = new Date().toISOString();
  const entries =
    outcome.kind === "rejected"
      ? [{ eventId: outcome.eventId, workflow: null, reason: outcome.reason }]
      : outcome.kind === "processed"
        ? [
            ...outcome.workflows.flatMap((w) =>
              w.kind === "rejected"
                ? [{ eventId: outcome.event.id, workflow: w.workflow, reason: w.reason }]
                : [],
            ),
            ...(outcome.reports ?? []).flatMap((r) =>
              r.kind === "rejected"
                ? [
                    {
                      eventId: outcome.event.id,
                      workflow: `${r.workflow}.report`,
                      reason: r.reason,
                    },
                  ]
                : [],
            ),
          ]
        : [];
  if (entries.length === 0) return;
  // A storage that accepts the connection and never answers must not hold the invocation.
  // It gives up a little before the invocation does, so the reason it hands back is its own.
  const abortSignal = AbortSignal.timeout(Math.max(1, deadline - Date.now() - 250));
  try {
    await Promise.all(
      entries.map((entry) =>
        rejections.record(
          { ...entry, reason: printable(entry.reason), time, event: raw },
          { abortSignal },
        ),
      ),
    );
  } catch (error) {
    throw new TransientError(
      `cannot keep the rejection in ${rejections.location}, so the event is handed back for redelivery: ${errorMessage(error)}`,
      { cause: error },
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
  /** When the invocation must have answered (epoch ms); storage writes stop waiting then. */
  deadline = Date.now() + 25_000,
  /** Writes job outcomes onto models (`report: model-tags`); without it reports stay planned. */
  tagger?: ModelTagger,
  /** Holds a coalescing workflow's event in its window; without it such jobs are submitted at once. */
  hold?: HoldInWindow,
): Promise<EventOutcome> {
  const plan = planEvent(raw, context);
  if (plan.kind !== "processed") {
    await recordRejections(raw, plan, rejections, deadline);
    return plan;
  }
  const settled = await Promise.allSettled(
    plan.workflows.map(async (w): Promise<WorkflowOutcome> => {
      if (w.kind === "planned" && w.coalesce !== undefined && hold !== undefined) {
        const window = { workflow: w.workflow, ...w.coalesce };
        return { kind: "held", workflow: w.workflow, window: await hold(window, plan.event, raw) };
      }
      return submitPlanned(w, plan.event, submitter);
    }),
  );
  const workflows = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const reportsSettled = await Promise.allSettled(
    (plan.reports ?? []).map((r) => runReport(r, tagger, deadline)),
  );
  const reports = reportsSettled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const outcome: EventOutcome = {
    ...plan,
    workflows,
    ...(plan.reports === undefined ? {} : { reports }),
  };
  // Keep what was rejected even when handing the event back; the redelivery overwrites the same entries.
  await recordRejections(raw, outcome, rejections, deadline);
  const failure = [...settled, ...reportsSettled].find((s) => s.status === "rejected");
  if (failure) {
    const reason: unknown = failure.reason;
    // Whatever is thrown reaches the host's log: only a TransientError, whose message is redacted.
    throw reason instanceof TransientError
      ? reason
      : new TransientError(errorMessage(reason), { cause: reason });
  }
  return outcome;
}
