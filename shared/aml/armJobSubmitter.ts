import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";

import { TransientError } from "../errors";
import { isRecord } from "../guards";
import type { ArmPacing } from "./armPacers";
import { armError, createArmSender, describeBody, identityRefused, jsonBody } from "./armSender";
import type { JobRequest } from "./jobRequest";
import {
  carriesLineageOf,
  type JobSubmitter,
  type JobToSubmit,
  judgeExistingJob,
  nameCollision,
  type SubmitResult,
} from "./jobSubmitter";
import { withLabelsResolved } from "./labelLookup";
import { createLabelResolver, LABEL_CACHE_MS } from "./labelResolver";

/** What the ARM submitter needs; made once per process. */
export interface ArmSubmitterOptions {
  credential: TokenCredential;
  /** Token scope, `<ARM endpoint>/.default`. */
  scope: string;
  /** Time one submission may take, label look-ups and retries included. */
  budgetMs: number;
  /** The process's ARM pacing (per subscription); every submitter in the process shares it. */
  pacer: ArmPacing;
  /** How long a label look-up's answer serves later jobs (default LABEL_CACHE_MS). */
  labelCacheMs?: number;
  httpClient?: HttpClient;
}

/** Whether a parsed body is the job resource named `jobName` (ARM answers a PUT and a GET with it). */
function isTheJob(body: unknown, jobName: string): boolean {
  if (!isRecord(body) || !isRecord(body.properties)) return false;
  return (
    body.name === jobName || (typeof body.id === "string" && body.id.endsWith(`/jobs/${jobName}`))
  );
}

/**
 * Submits jobs over the ARM jobs API: the job's label look-ups, then PUT, then GET when the name is
 * taken, retrying within one time budget.
 */
export function createArmJobSubmitter(options: ArmSubmitterOptions): JobSubmitter {
  const send = createArmSender(options);
  // One cache of label answers for the process: the submitter is made once per process.
  const labels = createLabelResolver({ send, cacheMs: options.labelCacheMs ?? LABEL_CACHE_MS });

  return {
    async submit(job: JobToSubmit): Promise<SubmitResult> {
      const deadline = Date.now() + options.budgetMs;
      const lookups = job.lookups ?? [];
      if (lookups.length === 0) return putJob(job, job.request, deadline);
      const resolved = await labels.resolve(lookups, deadline);
      if (!resolved.ok) return { kind: "rejected", reason: resolved.errors.join("; ") };
      const request = {
        ...job.request,
        body: withLabelsResolved(job.request.body, resolved.value),
      };
      const result = await putJob(job, request, deadline);
      return result.kind === "rejected" ? result : { ...result, lookups: resolved.value };
    },
  };

  async function putJob(
    job: JobToSubmit,
    request: JobRequest,
    deadline: number,
  ): Promise<SubmitResult> {
    const put = await send("PUT", request.url, request.body, deadline);
    if (put.status === 200 || put.status === 201) {
      // Only the job itself proves it exists: a proxy's HTML page or an empty 200 does not.
      const body = jsonBody(put);
      if (isTheJob(body, job.jobName))
        // A job under our name that another event or workflow started is not ours (issue 18, item 2).
        return carriesLineageOf(body, job) ? { kind: "submitted" } : nameCollision(job);
      throw new TransientError(
        `ARM answered ${put.status} to PUT ${job.jobName}, but not with the job (${describeBody(put)}); not counted as submitted`,
      );
    }
    // A role assignment takes minutes to apply after a deployment: refusing the identity is not a
    // verdict on the event. Event Grid redelivers (30 attempts over the TTL); a role that never
    // comes dead-letters the event with this reason.
    if (identityRefused(put))
      throw new TransientError(
        `ARM refused the function's identity (${put.status} ${armError(put)}): it needs AzureML Data Scientist on the workspace, and a new role assignment takes minutes to apply; Event Grid will deliver the event again`,
      );
    // "Already exists" arrives as 409 or 400: read the job and decide from what it is.
    if (put.status === 409 || put.status === 400) {
      const get = await send("GET", request.url, undefined, deadline);
      if (get.status === 200) {
        const body = jsonBody(get);
        if (!isTheJob(body, job.jobName))
          throw new TransientError(
            `ARM answered 200 to GET ${job.jobName}, but not with the job (${describeBody(get)})`,
          );
        return judgeExistingJob(body, job);
      }
      if (get.status !== 404)
        return {
          kind: "rejected",
          reason: `ARM answered ${put.status} to PUT and ${get.status} to GET: ${armError(get)}`,
        };
      // A 409 with no job behind it is a conflict with something in progress (the job being
      // created, an operation on the workspace), not a verdict on the request: try again later.
      if (put.status === 409)
        throw new TransientError(
          `ARM answered 409 (${armError(put)}) and there is no job ${job.jobName} yet; Event Grid will deliver the event again`,
        );
    }
    return { kind: "rejected", reason: `ARM answered ${put.status}: ${armError(put)}` };
  }
}
