import type { PipelineBodyTemplate } from "../compiled/compiledConfig";
import { AML_JOBS_API_VERSION } from "../constants";
import type { Workspace } from "./workspace";

/** The REST body of a pipeline job (jobs API `JobBaseResource` with `PipelineJob` properties). */
export interface PipelineJobBody {
  properties: PipelineBodyTemplate;
}

/** One request that would create a job: what dry-run writes, what `plan` prints and what ARM receives. */
export interface JobRequest {
  method: "PUT";
  url: string;
  body: PipelineJobBody;
}

/** URL of `jobs/{name}` in a workspace, on the given ARM endpoint. */
export function jobUrl(armEndpoint: string, workspace: Workspace, jobName: string): string {
  const base = armEndpoint.replace(/\/+$/, "");
  return `${base}${workspace.id}/jobs/${encodeURIComponent(jobName)}?api-version=${AML_JOBS_API_VERSION}`;
}
