/** The tags an approval writes on a model version: the decision, who made it, when, and why. */
export const APPROVAL_TAGS = {
  approved: "approved",
  by: "approved.by",
  at: "approved.at",
  note: "approved.note",
} as const;

/** One decision on a model version, as `amlwf approve` records it. */
export interface ApprovalDecision {
  approved: boolean;
  by: string;
  at: string;
  note?: string;
}

/** What a model version's tags say about its approval. */
export interface Approval {
  /** true approved, false rejected, null when `approved` holds something else (set by hand). */
  approved: boolean | null;
  value: string;
  by?: string;
  at?: string;
  note?: string;
}

/**
 * The version's tags with the decision written over them: every other tag kept, and a note from an
 * earlier decision removed when this one gives none, so a stale note never stays.
 */
export function withApproval(
  tags: Record<string, string>,
  decision: ApprovalDecision,
): Record<string, string> {
  const next: Record<string, string> = { ...tags };
  Reflect.deleteProperty(next, APPROVAL_TAGS.note);
  next[APPROVAL_TAGS.approved] = String(decision.approved);
  next[APPROVAL_TAGS.by] = decision.by;
  next[APPROVAL_TAGS.at] = decision.at;
  if (decision.note !== undefined) next[APPROVAL_TAGS.note] = decision.note;
  return next;
}

/** The approval the tags record, or undefined when there is no `approved` tag. */
export function readApproval(tags: Record<string, string>): Approval | undefined {
  const value = tags[APPROVAL_TAGS.approved];
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  const approval: Approval = {
    approved: lower === "true" ? true : lower === "false" ? false : null,
    value,
  };
  for (const key of ["by", "at", "note"] as const) {
    const found = tags[APPROVAL_TAGS[key]];
    if (found !== undefined) approval[key] = found;
  }
  return approval;
}

/** One line for an approval: `approved by alice@contoso.com at 2026-…: "looks good"`. */
export function approvalText(approval: Approval): string {
  const what =
    approval.approved === true
      ? "approved"
      : approval.approved === false
        ? "rejected"
        : `tag approved is ${JSON.stringify(approval.value)} (neither true nor false)`;
  const by = approval.by === undefined ? "" : ` by ${approval.by}`;
  const at = approval.at === undefined ? "" : ` at ${approval.at}`;
  const note = approval.note === undefined ? "" : `: ${JSON.stringify(approval.note)}`;
  return `${what}${by}${at}${note}`;
}
