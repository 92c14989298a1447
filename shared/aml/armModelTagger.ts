import type { TokenCredential } from "@azure/core-auth";
import { type PipelineResponse } from "@azure/core-rest-pipeline";

import { errorMessage, TransientError } from "../errors";
import { isRecord } from "../guards";
import { redactSecrets } from "../redact";
import { type ArmPacing, pacerFor } from "./armPacers";
import { boundedJsonRequest, createArmPipeline } from "./armPipeline";
import { mergedTags, type ModelTagger, modelVersionUrl } from "./modelTagger";
import { backoffMs, isRetryableStatus, remainingWrites, requestedDelayMs } from "./retryDelay";

/**
 * Writes a report onto a model version over ARM: GET the version, merge the report's tags, PUT it
 * back only when something changed (a redelivered event changes nothing twice). A version deleted
 * meanwhile is a rejection; throttling, 5xx and network failures are transient.
 */
export function createArmModelTagger(options: {
  credential: TokenCredential;
  scope: string;
  armEndpoint: string;
  pacer: ArmPacing;
}): ModelTagger {
  const { pipeline, httpClient } = createArmPipeline(options.credential, options.scope);
  const send = async (
    method: "GET" | "PUT",
    url: string,
    deadline: number,
    body?: unknown,
  ): Promise<PipelineResponse> => {
    const pacer = pacerFor(options.pacer, url);
    const sentBefore = await pacer.turn(method === "PUT" ? "write" : "read", deadline);
    try {
      const response = await pipeline.sendRequest(
        httpClient,
        boundedJsonRequest(method, url, body, deadline),
      );
      if (method === "PUT") pacer.answered(remainingWrites(response), sentBefore);
      // Throttling is the principal's: the whole process waits, as for a job's PUT.
      if (response.status === 429) pacer.hold(requestedDelayMs(response) ?? backoffMs(1));
      if (isRetryableStatus(response.status) || response.status === 401 || response.status === 403)
        throw new TransientError(
          `${method} model version answered ${response.status}: ${redactSecrets((response.bodyAsText ?? "").slice(0, 300))}`,
        );
      return response;
    } catch (error) {
      if (error instanceof TransientError) throw error;
      if (method === "PUT") pacer.unanswered();
      throw new TransientError(`${method} model version failed: ${errorMessage(error)}`);
    }
  };
  return {
    async tag(report, deadline) {
      const url = modelVersionUrl(options.armEndpoint, report.workspace, report.model);
      const model = `${report.model.name}:${report.model.version}`;
      const got = await send("GET", url, deadline);
      if (got.status === 404)
        return {
          kind: "rejected",
          reason: `model ${model} no longer exists in the workspace; its ${report.workflow} outcome was not written`,
        };
      let resource: unknown;
      try {
        resource = JSON.parse(got.bodyAsText ?? "");
      } catch {
        resource = undefined;
      }
      if (got.status !== 200 || !isRecord(resource) || !isRecord(resource.properties))
        return {
          kind: "rejected",
          reason: `reading model ${model} answered ${got.status}: ${redactSecrets((got.bodyAsText ?? "").slice(0, 300))}`,
        };
      const properties = resource.properties;
      const tags = mergedTags(isRecord(properties.tags) ? properties.tags : {}, report.tags);
      if (tags === undefined) return { kind: "unchanged" };
      const put = await send("PUT", url, deadline, { properties: { ...properties, tags } });
      if (put.status === 200 || put.status === 201) return { kind: "tagged" };
      return {
        kind: "rejected",
        reason: `tagging model ${model} answered ${put.status}: ${redactSecrets((put.bodyAsText ?? "").slice(0, 300))}`,
      };
    },
  };
}
