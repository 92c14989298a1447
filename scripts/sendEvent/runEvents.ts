import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { uuidFromHex } from "../../shared/compile/pipeline/codeFolder";
import { AML_EVENT_TYPES } from "../../shared/constants";
import { isRecord } from "../../shared/guards";
import { UsageError } from "../cli/runCommand";
import { workspaceEvent } from "./buildEvents";

/** How a dry-run job ended, as the workspace would announce it. */
export type RunEnding = "Completed" | "Failed";

/**
 * The event a workspace sends when a job ends, for a job the local loop "submitted": RunCompleted
 * for a completed job, RunStatusChanged with `runStatus: Failed` for a failed one (Azure ML emits
 * nothing for a cancelled job). The job's experiment and tags come from its dry-run request.
 */
export function runEndedEvent(
  jobName: string,
  ending: RunEnding,
  dryRunDir: string,
  workspace: string,
  cloudEvents: boolean,
): Record<string, unknown> {
  const file = join(dryRunDir, `${jobName}.json`);
  if (!existsSync(file))
    throw new UsageError(
      `no dry-run job ${jobName} in ${dryRunDir}: send the event that starts it first (amlwf start running), then name the job it printed`,
    );
  const request = JSON.parse(readFileSync(file, "utf8")) as unknown;
  const properties =
    isRecord(request) && isRecord(request.body) && isRecord(request.body.properties)
      ? request.body.properties
      : {};
  const experimentName =
    typeof properties.experimentName === "string" ? properties.experimentName : "Default";
  // The workspace's experiment id is not in the request; one derived from the name stays stable.
  const experimentId = uuidFromHex(createHash("md5").update(experimentName).digest("hex"));
  const data = {
    experimentId,
    experimentName,
    runId: jobName,
    runType: "azureml.PipelineRun",
    runTags: isRecord(properties.tags) ? properties.tags : {},
    runProperties: {},
    ...(ending === "Failed" ? { runStatus: "Failed" } : {}),
  };
  return workspaceEvent({
    type: ending === "Completed" ? AML_EVENT_TYPES.runCompleted : AML_EVENT_TYPES.runStatusChanged,
    subject: `experiments/${experimentId}/runs/${jobName}`,
    data,
    dataVersion: "",
    workspace,
    cloudEvents,
  });
}
