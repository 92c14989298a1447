import { DefaultAzureCredential } from "@azure/identity";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { ArmPacer } from "../../shared/aml/armPacer";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { AML_JOBS_API_VERSION, LINEAGE_TAGS } from "../../shared/constants";
import { TransientError } from "../../shared/errors";
import { createArmWorkspaceReader } from "../../shared/watch/armWorkspaceReader";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";

const parsed = parseWorkspaceId(TEST_WORKSPACE_ID);
if (!parsed.ok) throw new Error("bad test workspace");
const workspace = parsed.value;

describe("the workspace reader over ARM (stand-in, real credential through a managed-identity endpoint)", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  let credential: DefaultAzureCredential;

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    credential = new DefaultAzureCredential();
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close()]);
  });
  beforeEach(() => {
    arm.requests.length = 0;
    arm.faults.length = 0;
    arm.jobs.clear();
    arm.models.clear();
    arm.assets.clear();
    arm.pageSize = 1000;
    arm.jobsPageSize = 2;
  });

  const readerWith = (
    extra: { pacer?: ArmPacer; readsPerSecond?: number; deadline?: number } = {},
  ) =>
    createArmWorkspaceReader({
      credential,
      scope: `${arm.endpoint}/.default`,
      armEndpoint: arm.endpoint,
      pacer: new ArmPacer({ writesPerSecond: 10, burst: 200 }),
      ...extra,
    });
  const lineage = (eventKey: string) => ({ [LINEAGE_TAGS.eventKey]: eventKey });

  it("lists every model and data asset name across pages, with the token and api-version", async () => {
    arm.pageSize = 2;
    for (const key of ["churn/1", "churn/2", "fraud/1", "credit/1", "spam/4"])
      arm.models.set(key, { properties: {} });
    for (const name of ["sales", "clicks", "returns"])
      arm.assets.set(`data/${name}`, [{ version: "1", createdAt: "2026-01-01T00:00:00Z" }]);
    const reader = readerWith();

    expect(await reader.modelNames(workspace)).toEqual(["churn", "fraud", "credit", "spam"]);
    expect(await reader.dataNames(workspace)).toEqual(["sales", "clicks", "returns"]);
    expect(arm.requests.map((r) => r.path.split("/").at(-1))).toEqual([
      "models",
      "models",
      "data",
      "data",
    ]);
    expect(arm.requests.every((r) => r.apiVersion === AML_JOBS_API_VERSION)).toBe(true);
    expect(arm.requests.every((r) => r.authorization === `Bearer ${identity.token}`)).toBe(true);
    expect(reader.reads).toBe(4);
  });

  it("reads the newest N model versions across pages in createdtime order, and stops at N", async () => {
    arm.pageSize = 2;
    const created = { "1": "01", "2": "05", "3": "02", "4": "04", "5": "03" };
    for (const [version, day] of Object.entries(created))
      arm.models.set(`churn/${version}`, {
        properties: { tags: { stage: "candidate", score: 0.9 } },
        createdAt: `2026-03-${day}T00:00:00.000Z`,
      });
    arm.models.set("other/1", { properties: {} });
    const reader = readerWith();

    const versions = await reader.modelVersions(workspace, "churn", 3);
    expect(versions.map((v) => [v.version, v.createdAt])).toEqual([
      ["2", "2026-03-05T00:00:00.000Z"],
      ["4", "2026-03-04T00:00:00.000Z"],
      ["5", "2026-03-03T00:00:00.000Z"],
    ]);
    expect(versions[0]).toMatchObject({
      name: "churn",
      tags: { stage: "candidate", score: "0.9" },
    });
    // Two pages of two hold the newest three: the third page is not read.
    expect(arm.requests).toHaveLength(2);
    expect(arm.requests[0]?.query).toContain("$orderBy=createdtime%20desc&$top=3");
    expect(reader.reads).toBe(2);
  });

  it("a version set without createdAt is as new as when it was set; a deleted one is gone", async () => {
    arm.models.set("churn/1", { properties: {} });
    arm.models.set("churn/2", { properties: {} });
    arm.models.set("churn/3", { properties: {} });
    arm.models.delete("churn/2");
    const versions = await readerWith().modelVersions(workspace, "churn", 10);
    expect(versions.map((v) => v.version)).toEqual(["3", "1"]);
    expect(Date.parse(versions[0]?.createdAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("reads data versions with their uri, type and tags, newest first", async () => {
    arm.pageSize = 1;
    arm.assets.set("data/sales", [
      {
        version: "1",
        createdAt: "2026-01-01T00:00:00Z",
        dataUri: "azureml://datastores/lake/paths/sales/2026-01/",
        dataType: "uri_folder",
      },
      {
        version: "2",
        createdAt: "2026-02-01T00:00:00Z",
        dataUri: "azureml://datastores/lake/paths/sales/2026-02/data.csv",
        dataType: "uri_file",
        tags: { month: "2026-02" },
      },
    ]);
    const versions = await readerWith().dataVersions(workspace, "sales", 5);
    expect(versions).toEqual([
      {
        name: "sales",
        version: "2",
        createdAt: "2026-02-01T00:00:00Z",
        tags: { month: "2026-02" },
        uri: "azureml://datastores/lake/paths/sales/2026-02/data.csv",
        type: "uri_file",
      },
      {
        name: "sales",
        version: "1",
        createdAt: "2026-01-01T00:00:00Z",
        tags: {},
        uri: "azureml://datastores/lake/paths/sales/2026-01/",
        type: "uri_folder",
      },
    ]);
    expect(arm.requests).toHaveLength(2);
  });

  it("a model or data asset that is gone (404) reads as no versions", async () => {
    const reader = readerWith();
    expect(await reader.modelVersions(workspace, "no such model", 3)).toEqual([]);
    expect(await reader.dataVersions(workspace, "gone", 3)).toEqual([]);
    expect(arm.requests[0]?.path).toMatch(/\/models\/no%20such%20model\/versions$/);
    expect(reader.reads).toBe(2);
  });

  it("lists lineage jobs by tag, at most maxPages pages, with status, experiment and creation time", async () => {
    for (let n = 1; n <= 5; n += 1)
      arm.jobs.set(`wf-${n}`, {
        properties: { experimentName: "validation", tags: lineage(`key-${n}`) },
      });
    arm.jobs.set("hand-made", { properties: { tags: {} } });
    arm.jobs.set("wf-2", {
      properties: { status: "Canceled", experimentName: "validation", tags: lineage("key-2") },
    });
    const reader = readerWith();

    const jobs = await reader.lineageJobs(workspace, 2);
    expect(jobs.map((j) => j.name)).toEqual(["wf-1", "wf-2", "wf-3", "wf-4"]);
    expect(jobs[1]).toMatchObject({
      status: "Canceled",
      experiment: "validation",
      tags: { [LINEAGE_TAGS.eventKey]: "key-2" },
    });
    expect(jobs[0]?.status).toBe("Running");
    expect(Date.parse(jobs[0]?.createdAt ?? "")).toBeLessThanOrEqual(
      Date.parse(jobs[2]?.createdAt ?? ""),
    );
    expect(arm.requests).toHaveLength(2);
    expect(arm.requests[0]?.query).toContain(
      `tag=${encodeURIComponent(LINEAGE_TAGS.eventKey)}&listViewType=All`,
    );
    expect(await reader.lineageJobs(workspace, 10)).toHaveLength(5);
  });

  it("reads one job by name; a job that no longer exists is undefined", async () => {
    arm.jobs.set("wf-1", { properties: { status: "Canceled", tags: lineage("k") } });
    const reader = readerWith();
    expect(await reader.job(workspace, "wf-1")).toMatchObject({
      name: "wf-1",
      status: "Canceled",
      experiment: "Default",
    });
    expect(await reader.job(workspace, "wf-gone")).toBeUndefined();
    expect(reader.reads).toBe(2);
  });

  it("a 403 is a refusal naming the call, the workspace and the role needed, with the body redacted", async () => {
    arm.faults.push({
      status: 403,
      body: {
        error: {
          code: "AuthorizationFailed",
          message: "no read access; sent Bearer eyJabcdefgh.ijklmnopq.rstuvw",
        },
      },
    });
    const failure = await readerWith()
      .modelNames(workspace)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(TransientError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^listing the models in workspace ml-ws answered 403/);
    expect(message).toMatch(/AzureML Data Scientist or a reader role on the workspace/);
    expect(message).toMatch(/AuthorizationFailed/);
    expect(message).not.toMatch(/eyJabcdefgh/);
  });

  it("a 429 is transient and holds the pacer for its Retry-After; a 503 is transient too", async () => {
    const pacer = new ArmPacer({ writesPerSecond: 10, burst: 200 });
    const hold = vi.spyOn(pacer, "hold");
    const reader = readerWith({ pacer });
    arm.faults.push({ status: 429, headers: { "retry-after": "2" } });
    await expect(reader.modelVersions(workspace, "churn", 3)).rejects.toThrow(TransientError);
    expect(hold).toHaveBeenCalledWith(2000);
    // The hold is the process's: a read that must start before it ends is refused at once.
    await expect(pacer.turn("read", Date.now() + 500)).rejects.toThrow(TransientError);

    const other = readerWith();
    arm.faults.push({ status: 503 });
    await expect(other.job(workspace, "wf-1")).rejects.toThrow(
      /^reading job wf-1 in workspace ml-ws answered 503/,
    );
    expect(reader.reads + other.reads).toBe(arm.requests.length);
  });

  it("refuses a nextLink to another origin without sending the token there", async () => {
    arm.faults.push({
      status: 200,
      body: { value: [{ name: "churn" }], nextLink: "https://elsewhere.example/models?$skip=1" },
    });
    const reader = readerWith();
    await expect(reader.modelNames(workspace)).rejects.toThrow(
      /nextLink points to https:\/\/elsewhere\.example, not https:\/\/127\.0\.0\.1:\d+; not followed/,
    );
    expect(reader.reads).toBe(1);
  });

  it("paces its reads to readsPerSecond after a small burst", async () => {
    arm.jobs.set("wf-1", { properties: { tags: lineage("k") } });
    const reader = readerWith({ readsPerSecond: 10 });
    for (let n = 0; n < 8; n += 1) await reader.job(workspace, "wf-1");
    const [first, last] = [arm.requests[0]?.at ?? 0, arm.requests.at(-1)?.at ?? 0];
    // Five at once, then one every 100 ms.
    expect(last - first).toBeGreaterThanOrEqual(250);
    expect(reader.reads).toBe(8);
  });

  it("a read whose paced turn falls past the deadline is refused as transient, without a request", async () => {
    const reader = readerWith({ readsPerSecond: 1, deadline: Date.now() + 500 });
    arm.jobs.set("wf-1", { properties: { tags: lineage("k") } });
    await reader.job(workspace, "wf-1");
    await expect(reader.job(workspace, "wf-1")).rejects.toThrow(/past the run's deadline/);
    expect(reader.reads).toBe(1);
    expect(arm.requests).toHaveLength(1);
  });
});
