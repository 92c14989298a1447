import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { runEndedEvent } from "../../scripts/sendEvent/runEvents";
import { normalizeEvent } from "../../shared/events/normalizeEvent";

const WORKSPACE =
  "/subscriptions/0/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

function dryRunJob(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "run-events-"));
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({
      method: "PUT",
      url: `https://management.azure.com${WORKSPACE}/jobs/${name}`,
      body: {
        properties: {
          jobType: "Pipeline",
          experimentName: "model-validation",
          tags: { "trigger.model": "churn:3", "trigger.workflow": "validate" },
        },
      },
    }),
  );
  return dir;
}

describe("send-event --completed / --failed: the events a workspace sends when a job ends", () => {
  it("builds RunCompleted for a dry-run job, with its experiment and tags, as Azure ML shapes it", () => {
    const dir = dryRunJob("validate-abc");
    const event = runEndedEvent("validate-abc", "Completed", dir, WORKSPACE, false);
    expect(event).toMatchObject({
      topic: WORKSPACE,
      eventType: "Microsoft.MachineLearningServices.RunCompleted",
      subject: expect.stringMatching(/^experiments\/[0-9a-f-]{36}\/runs\/validate-abc$/) as string,
      data: {
        experimentName: "model-validation",
        runId: "validate-abc",
        runTags: { "trigger.model": "churn:3", "trigger.workflow": "validate" },
      },
    });
    expect(event.data).not.toHaveProperty("runStatus");
    expect(normalizeEvent(event).ok).toBe(true);
  });

  it("builds RunStatusChanged with runStatus Failed, as CloudEvents when asked", () => {
    const dir = dryRunJob("validate-def");
    const event = runEndedEvent("validate-def", "Failed", dir, WORKSPACE, true);
    expect(event).toMatchObject({
      specversion: "1.0",
      source: WORKSPACE,
      type: "Microsoft.MachineLearningServices.RunStatusChanged",
      data: { runId: "validate-def", runStatus: "Failed" },
    });
  });

  it("names the folder it looked in when the job is not a dry-run job", () => {
    const dir = mkdtempSync(join(tmpdir(), "run-events-empty-"));
    expect(() => runEndedEvent("nope", "Completed", dir, WORKSPACE, false)).toThrow(
      new RegExp(
        `no dry-run job nope in ${dir.replace(/[/\\]/g, ".")}: send the event that starts it first`,
      ),
    );
  });
});
