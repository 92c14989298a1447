import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { type LogsQueryStandIn, startLogsQueryStandIn } from "../support/logsQueryStandIn";
import { newProject, record, runLogs } from "../support/runLogs";

describe("amlwf logs in Azure: the Logs query API with the user's identity", () => {
  const COMPONENT =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/ml-rg/providers/Microsoft.Insights/components/amlwf-insights";
  const WORKSPACE = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
  const project = newProject();
  let api: LogsQueryStandIn;
  let identity: IdentityEndpoint;
  let env: Record<string, string>;

  beforeAll(async () => {
    [api, identity] = await Promise.all([startLogsQueryStandIn(), startIdentityEndpoint()]);
    env = {
      LOGS_QUERY_ENDPOINT: api.endpoint,
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
    };
  });
  afterAll(async () => {
    await Promise.all([api.close(), identity.close()]);
  });

  it("sends the filters as KQL, escaped, to the resource-centric query with a token for the API, and prints the rows oldest first", async () => {
    api.answer = {
      // The API answers in the query's order: the latest first.
      rows: [
        [
          "2026-12-06T10:05:00.1234567Z",
          record({
            event: 'evt "1"',
            workflow: "validate.report",
            model: "churn:3",
            outcome: "tagged",
          }),
        ],
        [
          "2026-12-06T10:00:00Z",
          record({
            event: 'evt "1"',
            workflow: "validate",
            job: "validate-9",
            model: "churn:3",
            outcome: "submitted",
            latencyMs: 812,
          }),
        ],
      ],
    };
    const { status, stdout, stderr } = await runLogs(
      project,
      [
        "--app-insights",
        COMPONENT,
        "--event",
        'evt "1"',
        "--workflow",
        "validate",
        "--model",
        "churn:3",
        "--since",
        "2026-12-06T09:00:00Z",
      ],
      env,
    );
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const sent = api.received.at(-1);
    expect(sent).toMatchObject({
      method: "POST",
      path: `/v1${COMPONENT}/query`,
      authorization: `Bearer ${identity.token}`,
      contentType: "application/json",
    });
    expect(sent?.query).toBe(
      [
        "AppTraces",
        "| where TimeGenerated >= datetime(2026-12-06T09:00:00.000Z)",
        '| where Message startswith "outcome {"',
        "| extend r = parse_json(substring(Message, 8))",
        '| where tostring(r.event) == "evt \\"1\\""',
        '| where tostring(r.workflow) in ("validate", "validate.report")',
        '| where tostring(r.model) == "churn:3"',
        "| top 1000 by TimeGenerated desc",
        "| project timestamp = TimeGenerated, message = Message",
      ].join("\n"),
    );
    // The token was asked for the API's own audience, not ARM's.
    expect(identity.requests.at(-1)?.resource).toBe(api.endpoint);
    expect(stdout.trim().split("\n")).toEqual([
      '2026-12-06T10:00:00.000Z  submitted  workflow validate  job validate-9  event evt "1"  model churn:3',
      '2026-12-06T10:05:00.123Z  tagged     workflow validate.report  event evt "1"  model churn:3',
      "logs: 2 outcome record(s) since 2026-12-06T09:00:00.000Z in Application Insights amlwf-insights",
    ]);
  });

  it("queries a workspace by its GUID with the same query, and --json gives the records", async () => {
    api.answer = {
      rows: [
        ["2026-12-06T11:00:00Z", record({ event: "evt-2", outcome: "ignored", latencyMs: 4 })],
      ],
    };
    const { status, stdout } = await runLogs(
      project,
      ["--workspace", WORKSPACE.toUpperCase(), "--model", "fraud", "--json"],
      env,
    );
    expect(status).toBe(0);
    const sent = api.received.at(-1);
    expect(sent?.path).toBe(`/v1/workspaces/${WORKSPACE}/query`);
    expect(sent?.query).toMatch(/^AppTraces\n\| where TimeGenerated >= datetime\(/);
    expect(sent?.query).toMatch(/\| where Message startswith "outcome \{"\n/);
    expect(sent?.query).toMatch(/\| where tostring\(r\.model\) startswith_cs "fraud:"\n/);
    expect(sent?.query).toMatch(/\| project timestamp = TimeGenerated, message = Message$/);
    expect(JSON.parse(stdout)).toEqual([
      {
        time: "2026-12-06T11:00:00.000Z",
        event: "evt-2",
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        outcome: "ignored",
        latencyMs: 4,
      },
    ]);
  });

  it("a 403 names the roles that may read the logs, exit 1, and no token is printed", async () => {
    api.answer = {
      status: 403,
      body: {
        error: {
          message:
            "The provided credentials have insufficient access to perform the requested operation",
          code: "InsufficientAccessError",
          correlationId: "c0ffee",
        },
      },
    };
    const { status, stdout, stderr } = await runLogs(project, ["--app-insights", COMPONENT], env);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^not allowed to query \/subscriptions\/.*\/components\/amlwf-insights \(403 InsufficientAccessError: The provided credentials have insufficient access[^)]*\): your identity needs Reader, Monitoring Reader or Log Analytics Reader on the Application Insights resource/,
    );
    expect(`${stdout}${stderr}`).not.toContain(identity.token);
  });

  it("a 400 gives the service's KQL error and the query that caused it, exit 1", async () => {
    api.answer = {
      status: 400,
      body: {
        error: {
          message: "The request had some invalid properties",
          code: "BadArgumentError",
          innererror: {
            code: "SemanticError",
            message: "A semantic error occurred.",
            innererror: {
              code: "SEM0100",
              message: "'where' operator: Failed to resolve scalar expression named 'r2'",
            },
          },
        },
      },
    };
    const { status, stderr } = await runLogs(project, ["--app-insights", COMPONENT], env);
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^the Logs query API refused the query \(400 BadArgumentError: The request had some invalid properties: A semantic error occurred\.: 'where' operator: Failed to resolve scalar expression named 'r2'\)\nthe query was:\nAppTraces\n\| where TimeGenerated >= /,
    );
  });

  it("a partial answer prints what came back, says what failed, and exits 1", async () => {
    api.answer = {
      rows: [["2026-12-06T11:00:00Z", record({ event: "evt-3", outcome: "ignored" })]],
      partialError: {
        code: "PartialError",
        message: "Query result set has exceeded the internal data size limit",
      },
    };
    const { status, stdout, stderr } = await runLogs(project, ["--workspace", WORKSPACE], env);
    expect(status).toBe(1);
    expect(stdout).toMatch(/ {2}ignored {4}\(no workflow\) {2}event evt-3$/m);
    expect(stderr).toMatch(
      /^the Logs query API answered only in part: PartialError: Query result set/,
    );
  });

  it("with no Azure credential, says so in one line, exit 1, and sends nothing", async () => {
    const before = api.received.length;
    const { status, stdout, stderr } = await runLogs(project, ["--app-insights", COMPONENT], {
      LOGS_QUERY_ENDPOINT: api.endpoint,
      // Only the environment's service principal, which is not set.
      AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
    });
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^no Azure credential: run az login/),
    ]);
    expect(api.received.length).toBe(before);
  });

  it("a LOGS_QUERY_ENDPOINT that is not an https origin is a settings error, exit 2", async () => {
    const { status, stderr } = await runLogs(project, ["--workspace", WORKSPACE], {
      ...env,
      LOGS_QUERY_ENDPOINT: "http://127.0.0.1:1/v1",
    });
    expect(status).toBe(2);
    expect(stderr).toMatch(/LOGS_QUERY_ENDPOINT.*must be an https origin/);
  });
});
