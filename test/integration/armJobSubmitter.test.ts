import { DefaultAzureCredential } from "@azure/identity";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createArmJobSubmitter } from "../../shared/aml/armJobSubmitter";
import { ArmPacer } from "../../shared/aml/armPacer";
import { eventKey } from "../../shared/aml/jobName";
import { jobUrl } from "../../shared/aml/jobRequest";
import type { JobToSubmit } from "../../shared/aml/jobSubmitter";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { AML_JOBS_API_VERSION, LINEAGE_TAGS } from "../../shared/constants";
import { TransientError } from "../../shared/errors";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";

let arm: ArmStandIn;
let identity: IdentityEndpoint;
let restoreEnv: () => void;
const parsed = parseWorkspaceId(TEST_WORKSPACE_ID);
if (!parsed.ok) throw new Error("bad test workspace");
const workspace = parsed.value;

beforeAll(async () => {
  [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
  restoreEnv = useLocalManagedIdentity(identity);
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([arm.close(), identity.close()]);
});
afterEach(() => {
  arm.requests.length = 0;
  arm.faults.length = 0;
  arm.jobs.clear();
  arm.existsStatus = 409;
});

let counter = 0;
function job(overrides: Partial<JobToSubmit> = {}): JobToSubmit {
  counter += 1;
  const jobName = `wf-${counter}`;
  const eventId = `event-${counter}`;
  const key = eventKey("/test/source", eventId);
  return {
    jobName,
    eventId,
    eventKey: key,
    workflow: "wf",
    request: {
      method: "PUT",
      url: jobUrl(arm.endpoint, workspace, jobName),
      body: {
        properties: {
          jobType: "Pipeline",
          isArchived: false,
          properties: {},
          tags: {
            [LINEAGE_TAGS.eventId]: eventId,
            [LINEAGE_TAGS.eventKey]: key,
            [LINEAGE_TAGS.workflow]: "wf",
          },
          settings: {},
          inputs: { x: { jobInputType: "literal", value: "1" } },
          outputs: {},
          jobs: {},
        },
      },
    },
    ...overrides,
  };
}

const submitterWith = (
  budgetMs: number,
  pacer = new ArmPacer({ writesPerSecond: 10, burst: 200 }),
) =>
  createArmJobSubmitter({
    credential: new DefaultAzureCredential(),
    scope: `${arm.endpoint}/.default`,
    budgetMs,
    pacer,
  });

describe("ARM jobs client with the real DefaultAzureCredential and pipeline", () => {
  it("PUTs the body to jobs/{name} with api-version and the managed-identity bearer token", async () => {
    const submitter = submitterWith(5000);
    const first = job();
    await expect(submitter.submit(first)).resolves.toEqual({ kind: "submitted" });
    await expect(submitter.submit(job())).resolves.toEqual({ kind: "submitted" });

    const [put] = arm.requests;
    expect(put?.method).toBe("PUT");
    expect(put?.path).toBe(`${TEST_WORKSPACE_ID}/jobs/${first.jobName}`);
    expect(put?.apiVersion).toBe(AML_JOBS_API_VERSION);
    expect(put?.authorization).toBe(`Bearer ${identity.token}`);
    expect(put?.body).toEqual(first.request.body);
    // One token for both submissions: credential and pipeline are reused.
    const tokenRequests = identity.requests.filter((r) => r.resource === arm.endpoint);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.headerOk).toBe(true);
  });

  it("waits as long as 429 Retry-After asks, then succeeds", async () => {
    arm.faults.push({ status: 429, headers: { "retry-after": "1" } });
    await expect(submitterWith(5000).submit(job())).resolves.toEqual({ kind: "submitted" });
    const puts = arm.requests.filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(2);
    expect(puts[1]!.at - puts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("throws a TransientError at once when Retry-After is longer than the budget", async () => {
    arm.faults.push({ status: 429, headers: { "retry-after": "60" } });
    await expect(submitterWith(3000).submit(job())).rejects.toThrow(TransientError);
    expect(arm.requests).toHaveLength(1);
  });

  it.each([
    ["86400", () => "86400"],
    ["an HTTP date an hour ahead", () => new Date(Date.now() + 3_600_000).toUTCString()],
  ])(
    "holds the process at most 60 s for a 429 asking %s, refusing at once what the hold outlasts",
    async (_, retryAfter) => {
      const pacer = new ArmPacer({ writesPerSecond: 10, burst: 200 });
      arm.faults.push({ status: 429, headers: { "retry-after": retryAfter() } });
      const refusals = [
        await submitterWith(3000, pacer)
          .submit(job())
          .catch((e: unknown) => e),
        await submitterWith(3000, pacer)
          .submit(job())
          .catch((e: unknown) => e),
      ];
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(TransientError);
        expect((refusal as Error).message).toMatch(/next write turn is in 60 s.*Retry-After/);
      }
      expect(arm.requests).toHaveLength(1);
    },
  );

  it("holds every submission in the process while one 429's Retry-After runs", async () => {
    const pacer = new ArmPacer({ writesPerSecond: 10, burst: 200 });
    arm.faults.push({ status: 429, headers: { "retry-after": "1" } });
    const first = submitterWith(5000, pacer).submit(job());
    // The second starts after the 429 came back: it must not reach ARM before the hold ends.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = submitterWith(5000, pacer).submit(job());
    await expect(Promise.all([first, second])).resolves.toEqual([
      { kind: "submitted" },
      { kind: "submitted" },
    ]);
    const puts = arm.requests.filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(3);
    for (const later of puts.slice(1)) expect(later.at - puts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("refuses at once, without a request, when the process's pace leaves no turn within the budget", async () => {
    const pacer = new ArmPacer({ writesPerSecond: 1, burst: 1 });
    const started = Date.now();
    const results = await Promise.allSettled(
      [job(), job(), job()].map((j) => submitterWith(800, pacer).submit(j)),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(TransientError);
    expect(arm.requests).toHaveLength(1);
    // No polling until the budget ran out: the refusals came straight away.
    expect(Date.now() - started).toBeLessThan(600);
  });

  it("counts a 2xx only when its body is the job: an HTML page or an empty object is transient", async () => {
    for (const body of [
      "<html><body>Sign in</body></html>",
      {},
      { name: "another-job", properties: {} },
    ]) {
      arm.faults.push({ status: 200, body, headers: { "content-type": "text/html" } });
      await expect(submitterWith(5000).submit(job())).rejects.toThrow(
        /ARM answered 200 to PUT wf-\d+, but not with the job \(text\/html, \d+ characters\)/,
      );
    }
    // The real answer, the job itself, is a submission.
    await expect(submitterWith(5000).submit(job())).resolves.toEqual({ kind: "submitted" });
  });

  it("retries 5xx within the budget, then throws a TransientError", async () => {
    for (let i = 0; i < 50; i++) arm.faults.push({ status: 503 });
    const started = Date.now();
    const error = await submitterWith(1500)
      .submit(job())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/503/);
    expect(arm.requests.length).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
  });

  it("recovers from a 500 and a dropped connection before the job was created", async () => {
    arm.faults.push({ status: 500 }, { drop: "before-create" });
    await expect(submitterWith(5000).submit(job())).resolves.toEqual({ kind: "submitted" });
    expect(arm.jobs.size).toBe(1);
  });

  it.each([409, 400] as const)(
    "answers duplicate when the job exists (%i) and carries this event's lineage",
    async (status) => {
      arm.existsStatus = status;
      const submitter = submitterWith(5000);
      const again = job();
      await submitter.submit(again);
      await expect(submitter.submit(again)).resolves.toEqual({ kind: "duplicate" });
      expect(arm.requests.map((r) => r.method)).toEqual(["PUT", "PUT", "GET"]);
    },
  );

  it("answers duplicate when the connection dropped after the job was created", async () => {
    arm.faults.push({ drop: "after-create" });
    await expect(submitterWith(5000).submit(job())).resolves.toEqual({ kind: "duplicate" });
    expect(arm.jobs.size).toBe(1);
  });

  it("rejects a name collision with a job that another event started", async () => {
    const mine = job();
    arm.jobs.set(mine.jobName, {
      properties: {
        // The same event id, from another source: CloudEvents ids are unique per source only.
        tags: {
          [LINEAGE_TAGS.eventId]: mine.eventId,
          [LINEAGE_TAGS.eventKey]: eventKey("/another/source", mine.eventId),
          [LINEAGE_TAGS.workflow]: "wf",
        },
      },
    });
    const result = await submitterWith(5000).submit(mine);
    expect(result).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/name collision/) as string,
    });
  });

  it.each([
    ["another event's", (mine: JobToSubmit) => eventKey("/another/source", mine.eventId), "wf"],
    ["another workflow's", (mine: JobToSubmit) => mine.eventKey, "other-wf"],
    ["no", () => undefined, undefined],
  ])(
    "rejects a 2xx to PUT whose job has our name but %s lineage: a name collision, not a submission",
    async (_, keyOf, workflow) => {
      const mine = job();
      const tags = { [LINEAGE_TAGS.eventKey]: keyOf(mine), [LINEAGE_TAGS.workflow]: workflow };
      arm.faults.push({ status: 200, body: { name: mine.jobName, properties: { tags } } });
      await expect(submitterWith(5000).submit(mine)).resolves.toEqual({
        kind: "rejected",
        reason: `name collision: job ${mine.jobName} already exists and was not started by event ${mine.eventId} for workflow wf`,
      });
    },
  );

  it("treats a 409 with no job behind it as a conflict in progress: transient, not a rejection", async () => {
    arm.faults.push({
      status: 409,
      body: { error: { code: "Conflict", message: "another operation is in progress" } },
    });
    await expect(submitterWith(5000).submit(job())).rejects.toThrow(
      /ARM answered 409 \(Conflict: another operation is in progress\) and there is no job wf-\d+ yet/,
    );
  });

  it("rejects a 400 for a job that does not exist with ARM's code and message", async () => {
    arm.faults.push({
      status: 400,
      body: { error: { code: "UserError", message: "Component validate_model:1 not found" } },
    });
    const result = await submitterWith(5000).submit(job());
    expect(result).toEqual({
      kind: "rejected",
      reason: "ARM answered 400: UserError: Component validate_model:1 not found",
    });
  });

  it("treats a 401 or a 403 AuthorizationFailed as not yet: transient at once, for Event Grid to redeliver", async () => {
    for (const [status, code] of [
      [403, "AuthorizationFailed"],
      [401, "InvalidAuthenticationToken"],
    ] as const) {
      arm.requests.length = 0;
      arm.faults.push({ status, body: { error: { code, message: "no role" } } });
      await expect(submitterWith(5000).submit(job())).rejects.toThrow(
        new RegExp(
          `ARM refused the function's identity \\(${status} ${code}: no role\\): it needs AzureML Data Scientist`,
        ),
      );
      // No retry in the process: a role takes minutes, not the 30 s an invocation has.
      expect(arm.requests).toHaveLength(1);
    }
  });

  it("rejects another 403 for good, with ARM's code", async () => {
    arm.faults.push({
      status: 403,
      body: { error: { code: "RequestDisallowedByPolicy", message: "policy says no" } },
    });
    const result = await submitterWith(5000).submit(job());
    expect(result).toEqual({
      kind: "rejected",
      reason: "ARM answered 403: RequestDisallowedByPolicy: policy says no",
    });
    expect(arm.requests).toHaveLength(1);
  });
});
