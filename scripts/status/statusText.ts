import { approvalText } from "../approve/approvalTags";
import { modelText } from "../approve/modelVersions";
import type { SupersededStatus, WindowStatus } from "./coalesceStatus";
import type { EventRecord, JobStatus, StatusReport } from "./collectStatus";
import type { ModelSection } from "./modelSection";

const COLUMN = 10;

const jobLine = (j: JobStatus) =>
  `${j.status.padEnd(COLUMN)} ${j.job} — workflow ${j.workflow ?? "?"}, event ${j.eventId ?? "?"}${j.model ? ` (model ${j.model})` : ""}${j.created ? `, created ${j.created}` : ""}${j.link ? `\n           ${j.link}` : ""}`;

const recordLine = (what: string, r: EventRecord) =>
  `${what.padEnd(COLUMN)} event ${r.eventId ?? "<no id>"}${r.workflow ? ` for workflow ${r.workflow}` : ""}${r.model ? ` (model ${r.model})` : ""} at ${r.time}: ${r.reason}\n           ${r.where}`;

/** `superseded churn:5 — workflow W: superseded by <event> (churn:7), job <job>, window closed <time>`. */
export function supersededLine(s: SupersededStatus): string {
  const by = s.supersededBy;
  return `${"superseded".padEnd(COLUMN)} ${s.model ?? s.eventId} — workflow ${s.workflow}: superseded by ${by.eventId}${by.model ? ` (${by.model})` : ""}${by.job ? `, job ${by.job}` : ""}, window closed ${s.closedAt}`;
}

/** `held       in window "churn" of workflow W: churn:5, churn:6 (latest churn:6), closes at T`. */
export function windowLine(w: WindowStatus, now: number): string {
  const name = (m: { eventId: string; model?: string }) => m.model ?? m.eventId;
  const latest = w.members.find((m) => m.eventId === w.latest);
  const closes =
    w.closingSince !== undefined
      ? `closing since ${w.closingSince}`
      : Date.parse(w.closesAt) > now
        ? `closes at ${w.closesAt}`
        : // Its queue message is due: the closing function has not taken it (yet).
          `due to close since ${w.closesAt}`;
  return `${"held".padEnd(COLUMN)} in window ${JSON.stringify(w.key)} of workflow ${w.workflow}: ${w.members.map(name).join(", ")} (latest ${latest === undefined ? w.latest : name(latest)}), ${closes}`;
}

/**
 * Jobs, superseded events and the version's approval in the order they happened (validate,
 * approval, promote); what has no time goes first for a job, last for the rest.
 */
export function timelineLines(report: StatusReport, model: ModelSection | undefined): string[] {
  const at = (time: string | undefined, otherwise: number) => {
    const t = time === undefined ? Number.NaN : Date.parse(time);
    return Number.isNaN(t) ? otherwise : t;
  };
  // A stable sort: at the same time a superseded event comes before the job that ran instead, and the approval after both.
  const items = [
    ...report.superseded.map((s) => ({ t: at(s.closedAt, Infinity), line: supersededLine(s) })),
    ...report.jobs.map((j) => ({ t: at(j.created, -Infinity), line: jobLine(j) })),
  ];
  if (model !== undefined) {
    const { approval } = model;
    items.push(
      model.tags === null
        ? { t: Infinity, line: `${"model".padEnd(COLUMN)} ${model.unread ?? ""}` }
        : {
            t: at(approval?.at, Infinity),
            line: `${"approval".padEnd(COLUMN)} ${approval === undefined ? `no approval recorded for ${modelText(model)}` : approvalText(approval)}`,
          },
    );
  }
  return items.sort((a, b) => (a.t === b.t ? 0 : a.t < b.t ? -1 : 1)).map((i) => i.line);
}

/** Everything the report found, as `status` prints it before its summary. */
export function statusLines(
  report: StatusReport,
  model: ModelSection | undefined,
  now: number,
): string[] {
  return [
    ...timelineLines(report, model),
    ...(model?.waiting ?? []).map((w) => `${"waiting".padEnd(COLUMN)} ${w.workflow} — ${w.why}`),
    ...report.windows.map((w) => windowLine(w, now)),
    ...report.rejections.map((r) => recordLine("rejected", r)),
    ...report.deadLetters.map((r) => recordLine("dead", r)),
  ];
}

/** The last line: what matched, and what was looked at where. */
export function summaryLine(
  report: StatusReport,
  where: { rejections: string; storage: boolean; waiting: number },
): string {
  const { looked } = report;
  const fromStorage = where.storage
    ? `, ${looked.deadLetters} dead-lettered event(s), ${looked.superseded} superseded event(s), ${looked.windows} open coalescing window(s)`
    : " (no dead letters, superseded events or coalescing windows: they live in Blob Storage)";
  const text = `looked at ${looked.jobs} job(s) in ${report.jobsFrom}, ${looked.rejections} rejection(s) in ${where.rejections}${fromStorage}${looked.unreadable > 0 ? `; ${looked.unreadable} entr(ies) could not be read` : ""}`;
  const counts = [
    `jobs=${report.jobs.length}`,
    `rejections=${report.rejections.length}`,
    `deadletters=${report.deadLetters.length}`,
    ...(where.waiting > 0 ? [`waiting=${where.waiting}`] : []),
    ...(report.superseded.length > 0 ? [`superseded=${report.superseded.length}`] : []),
    ...(report.windows.length > 0 ? [`held=${report.windows.length}`] : []),
  ];
  const found =
    report.jobs.length +
    report.rejections.length +
    report.deadLetters.length +
    report.superseded.length +
    report.windows.length +
    where.waiting;
  return found === 0
    ? `status: nothing matches — ${text}`
    : `status: ${counts.join(" ")} — ${text}`;
}
