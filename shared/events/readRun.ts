import { AML_EVENT_TYPES, LINEAGE_TAGS, WATCHED_EVENT_TYPES } from "../constants";
import { isRecord } from "../guards";
import type { RegisteredModel } from "./readModel";

/** The job a RunCompleted or RunStatusChanged event is about. */
export interface EndedRun {
  /** The run id: for a pipeline job, the job name. */
  id: string;
  experiment: string;
  /** "Completed" for RunCompleted, "Canceled" for the watcher's RunCanceled; RunStatusChanged's runStatus (Azure ML sends it for failures). */
  status: string;
  tags: Record<string, string>;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

/** The run of a RunCompleted / RunStatusChanged / RunCanceled event, or undefined for other events or no runId. */
export function readRun(type: string, data: unknown): EndedRun | undefined {
  const lower = type.toLowerCase();
  const completed = lower === AML_EVENT_TYPES.runCompleted.toLowerCase();
  const canceled = lower === WATCHED_EVENT_TYPES.runCanceled.toLowerCase();
  if (!completed && !canceled && lower !== AML_EVENT_TYPES.runStatusChanged.toLowerCase())
    return undefined;
  if (!isRecord(data) || typeof data.runId !== "string" || data.runId === "") return undefined;
  const status = completed
    ? "Completed"
    : canceled
      ? "Canceled"
      : typeof data.runStatus === "string"
        ? data.runStatus
        : "";
  return {
    id: data.runId,
    experiment: typeof data.experimentName === "string" ? data.experimentName : "",
    // Capitalised as the jobs API writes states: "failed" in the sample becomes "Failed".
    status: status.charAt(0).toUpperCase() + status.slice(1),
    tags: stringRecord(data.runTags),
  };
}

/** The model a job started by this project was about: its lineage tag `name:version`. */
export function modelOfRun(run: EndedRun): RegisteredModel | undefined {
  const lineage = run.tags[LINEAGE_TAGS.model];
  const at = lineage?.lastIndexOf(":") ?? -1;
  if (lineage === undefined || at <= 0 || at === lineage.length - 1) return undefined;
  return { name: lineage.slice(0, at), version: lineage.slice(at + 1), tags: {} };
}
