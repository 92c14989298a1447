import type { Workspace } from "../../shared/aml/workspace";
import { APPROVAL_TAGS, type ApprovalDecision, withApproval } from "./approvalTags";
import {
  type ModelRef,
  type ModelVersions,
  readModelVersion,
  writeModelTags,
} from "./modelVersions";

/** What `amlwf approve` did to one model version. */
export interface Approved {
  kind: "approved";
  model: ModelRef;
  workspace: Workspace;
  decision: ApprovalDecision;
  /** The dry run had no record of the version (no report, no earlier approve): it was made, with the approval's tags only. */
  created: boolean;
  /** Tags this decision removed (a note an earlier one left). */
  removed: string[];
  /** Every tag the version has now. */
  tags: Record<string, string>;
}

/**
 * Writes a decision onto a model version: reads its tags, writes them back with the approval's
 * merged in. `decide` is called after the read, when the caller's token (and so its name) is known.
 * A version the workspace does not have is `missing`; in the dry run it is made instead.
 */
export async function approveModel(
  place: ModelVersions,
  model: ModelRef,
  decide: () => ApprovalDecision,
): Promise<Approved | { kind: "missing" }> {
  const read = await readModelVersion(place, model);
  if (read.kind === "refused") throw new Error(read.reason);
  if (read.kind === "missing" && place.kind === "azure") return { kind: "missing" };
  const before = read.kind === "found" ? read.tags : {};
  const decision = decide();
  const tags = withApproval(before, decision);
  await writeModelTags(place, model, read.kind === "found" ? read : undefined, tags);
  return {
    kind: "approved",
    model,
    workspace: place.workspace,
    decision,
    created: read.kind === "missing",
    removed: Object.values(APPROVAL_TAGS).filter(
      (key) => Object.hasOwn(before, key) && !Object.hasOwn(tags, key),
    ),
    tags,
  };
}
