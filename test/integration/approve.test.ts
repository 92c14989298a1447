import { cpSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { describeSchedule } from "../../scripts/approve/watchPeriod";
import { callerFromToken } from "../../scripts/cli/tokenCaller";
import { readDryRunModel, writeDryRunModel } from "../../shared/aml/dryRunModels";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { PLACEHOLDER_WORKSPACE_ID, SETTING_DEFAULTS, SETTING_NAMES } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { runScript } from "../support/runScript";
import { EXAMPLE_WORKFLOWS } from "../support/samples";

const OTHER =
  "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/team-b/providers/Microsoft.MachineLearningServices/workspaces/team-b-ws";
const VALIDATED = {
  "validate-registered-model.status": "Completed",
  "validate-registered-model.job": "validate-registered-model-0123456789abcdef01234567",
};
const PROMOTE = "promote-approved-model";

/**
 * A project of its own: the example config, its validation reporting onto the model, and a
 * promotion that waits for the approval on ModelTagsChanged.
 */
function approvalProject() {
  const root = mkdtempSync(join(tmpdir(), "approve-project-"));
  writeFileSync(join(root, "package.json"), "{}\n");
  const workflows = join(root, "workflows");
  cpSync(dirname(EXAMPLE_WORKFLOWS), workflows, { recursive: true });
  const file = join(workflows, "workflows.yaml");
  writeFileSync(
    file,
    `${readFileSync(file, "utf8")}    report: model-tags
  - name: ${PROMOTE}
    on: ModelTagsChanged
    when:
      model: churn
      tags: { approved: true, validate-registered-model.status: Completed }
    pipeline: pipelines/validate-model.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
`,
  );
  return {
    root,
    settings: {
      [SETTING_NAMES.workflowsFile]: file,
      [SETTING_NAMES.dryRunDir]: join(root, ".local", "dry-run"),
      [SETTING_NAMES.rejectedDir]: join(root, ".local", "rejected"),
    },
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A managed-identity endpoint (App Service's protocol) that issues a JWT carrying these claims. */
async function startJwtIdentityEndpoint(claims: Record<string, string>) {
  const header = `identity-header-${Math.random().toString(36).slice(2)}`;
  const token = `${base64url({ alg: "RS256", typ: "JWT" })}.${base64url({
    aud: "https://management.azure.com",
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  })}.c2lnbmF0dXJl`;
  const server = createServer((req, res) => {
    if (req.headers["x-identity-header"] !== header) {
      res.writeHead(401).end();
      return;
    }
    const resource = new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("resource");
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        access_token: token,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource,
        token_type: "Bearer",
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: header },
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe("who approved: the caller an ARM token names", () => {
  const jwt = (claims: Record<string, string>) =>
    `${base64url({ alg: "none" })}.${base64url(claims)}.sig`;

  it("prefers the user's sign-in name, then an application's id, then the object id", () => {
    expect(callerFromToken(jwt({ upn: "alice@contoso.com", appid: "a", oid: "o" }))).toBe(
      "alice@contoso.com",
    );
    expect(callerFromToken(jwt({ unique_name: "live.com#bob@example.com", oid: "o" }))).toBe(
      "live.com#bob@example.com",
    );
    expect(callerFromToken(jwt({ preferred_username: "carol@contoso.com" }))).toBe(
      "carol@contoso.com",
    );
    expect(callerFromToken(jwt({ appid: "11111111-aaaa", oid: "o" }))).toBe("app 11111111-aaaa");
    expect(callerFromToken(jwt({ azp: "22222222-bbbb" }))).toBe("app 22222222-bbbb");
    expect(callerFromToken(jwt({ oid: "33333333-cccc" }))).toBe("33333333-cccc");
  });

  it("names no one for a token that is not a JWT or carries none of those claims", () => {
    expect(callerFromToken("opaque-token")).toBeUndefined();
    expect(callerFromToken("a.!!!.c")).toBeUndefined();
    expect(callerFromToken(jwt({ aud: "https://management.azure.com" }))).toBeUndefined();
  });

  it("says WATCH_SCHEDULE's simple periods in words", () => {
    expect(describeSchedule(SETTING_DEFAULTS.watchSchedule)).toBe("every minute");
    expect(describeSchedule("0 */5 * * * *")).toBe("every 5 minutes");
    expect(describeSchedule("*/30 * * * * *")).toBe("every 30 seconds");
    expect(describeSchedule("0 0 */2 * * *")).toBe("every 2 hours");
    expect(describeSchedule("0 */5 9 * * *")).toBeUndefined();
  });
});

describe("amlwf approve, in a dry run", () => {
  const project = approvalProject();
  const dir = project.settings[SETTING_NAMES.dryRunDir];
  const placeholder = parseWorkspaceId(PLACEHOLDER_WORKSPACE_ID);
  if (!placeholder.ok) throw new Error("placeholder workspace");
  const env = { ...project.settings, [SETTING_NAMES.amlWorkspaceId]: "" };
  const approve = (args: string[]) => runScript("approve.ts", args, env, project.root);
  const churn = (version: string) => ({ name: "churn", version });
  const me = `${userInfo().username} (local)`;

  beforeAll(async () => {
    // Validation's report is on the version already, as `report: model-tags` writes it.
    await writeDryRunModel(dir, SETTING_DEFAULTS.armEndpoint, placeholder.value, churn("3"), {
      ...VALIDATED,
    });
  });

  it("writes the approval onto the version, keeps the report's tags, and names the OS user", async () => {
    const before = Date.now();
    const { status, stdout } = await approve(["--model", "churn:3", "--note", "looks good"]);
    expect(status).toBe(0);
    const written = await readDryRunModel(dir, churn("3"));
    expect(written?.tags).toMatchObject({
      ...VALIDATED,
      approved: "true",
      "approved.by": me,
      "approved.note": "looks good",
    });
    const at = Date.parse(written?.tags["approved.at"] ?? "");
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(stdout).toMatch(/^approve: churn:3 approved by .* \(local\) at \S+ — dry run, /m);
    expect(stdout).toMatch(
      /the watcher emits ModelTagsChanged for it on its next run \(WATCH_SCHEDULE "0 \*\/1 \* \* \* \*", every minute\)/,
    );
    expect(stdout).not.toMatch(/had no record/);
  });

  it("--reject records false, and an earlier note without a new one is removed", async () => {
    const { status, stdout } = await approve(["--model", "churn:3", "--reject", "--json"]);
    expect(status).toBe(0);
    const tags = (await readDryRunModel(dir, churn("3")))?.tags ?? {};
    expect(tags.approved).toBe("false");
    expect(tags["approved.by"]).toBe(me);
    expect(Object.hasOwn(tags, "approved.note")).toBe(false);
    expect(tags["validate-registered-model.status"]).toBe("Completed");
    const answer = JSON.parse(stdout) as { approved: boolean; removed: string[]; created: boolean };
    expect(answer).toMatchObject({ approved: false, removed: ["approved.note"], created: false });
  });

  it("approves a version the dry run never wrote, with only the approval's tags, and says so", async () => {
    const { status, stdout } = await approve(["--model", "churn:9"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/the dry run had no record of churn:9/);
    const tags = (await readDryRunModel(dir, churn("9")))?.tags ?? {};
    expect(Object.keys(tags).sort()).toEqual(["approved", "approved.at", "approved.by"]);
  });

  it("refuses a model without a version, an empty note and a workspace it does not serve (exit 2)", async () => {
    for (const args of [
      ["--model", "churn"],
      ["--model", "churn:3", "--note", " "],
      ["--model", "churn:3", "--workspace", "someone-elses-ws"],
      [],
    ]) {
      const { status, stderr } = await approve(args);
      expect(status, args.join(" ")).toBe(2);
      expect(stderr).toMatch(/usage: amlwf approve/);
    }
  });

  it("--workspace takes the served workspace by name", async () => {
    const { status } = await approve(["--model", "churn:3", "--workspace", placeholder.value.name]);
    expect(status).toBe(0);
  });

  it("--help prints its usage and exit codes", async () => {
    const { status, stdout } = await approve(["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^usage: amlwf approve --model <name>:<version>/);
    expect(stdout).toMatch(/Exit: 0 /);
  });
});

describe("amlwf status --model <name>:<version>: the approval, and what waits for it (dry run)", () => {
  const project = approvalProject();
  const dir = project.settings[SETTING_NAMES.dryRunDir];
  const placeholder = parseWorkspaceId(PLACEHOLDER_WORKSPACE_ID);
  if (!placeholder.ok) throw new Error("placeholder workspace");
  const env = { ...project.settings, [SETTING_NAMES.amlWorkspaceId]: "" };
  const run = (script: string, args: string[]) => runScript(script, args, env, project.root);

  beforeAll(async () => {
    await writeDryRunModel(
      dir,
      SETTING_DEFAULTS.armEndpoint,
      placeholder.value,
      { name: "churn", version: "3" },
      { ...VALIDATED },
    );
  });

  it("shows the promotion waiting for the approval, then the approval and the promotion's conditions holding", async () => {
    const waiting = await run("status.ts", ["--model", "churn:3"]);
    expect(waiting.status).toBe(0);
    expect(waiting.stdout).toMatch(/^approval {3}no approval recorded for churn:3$/m);
    expect(waiting.stdout).toMatch(
      new RegExp(`^waiting {4}${PROMOTE} — tag approved is missing \\(the model's tags: `, "m"),
    );
    // The validation workflow listens for ModelRegistered, not ModelTagsChanged: it is not waiting.
    expect(waiting.stdout).not.toMatch(/waiting {4}validate-registered-model/);
    expect(waiting.stdout).toMatch(/^status: jobs=0 rejections=0 deadletters=0 waiting=1 — /m);

    expect((await run("approve.ts", ["--model", "churn:3", "--note", "ship it"])).status).toBe(0);
    const approved = await run("status.ts", ["--model", "churn:3"]);
    expect(approved.stdout).toMatch(
      /^approval {3}approved by .+ \(local\) at \d{4}-\d\d-\d\dT[\d:.]+Z: "ship it"$/m,
    );
    expect(approved.stdout).toMatch(
      new RegExp(
        `^waiting {4}${PROMOTE} — conditions hold; the watcher starts it on its next run$`,
        "m",
      ),
    );

    const json = await run("status.ts", ["--model", "churn:3", "--json"]);
    const report = JSON.parse(json.stdout) as {
      model: {
        name: string;
        version: string;
        tags: Record<string, string>;
        approval: { approved: boolean; by: string; note: string };
        waiting: { workflow: string; why: string }[];
      };
    };
    expect(report.model).toMatchObject({
      name: "churn",
      version: "3",
      tags: VALIDATED,
      approval: { approved: true, note: "ship it" },
      waiting: [{ workflow: PROMOTE }],
    });
  });

  it("a rejection is the unmet condition", async () => {
    expect((await run("approve.ts", ["--model", "churn:3", "--reject"])).status).toBe(0);
    const { stdout } = await run("status.ts", ["--model", "churn:3"]);
    expect(stdout).toMatch(/^approval {3}rejected by .+ \(local\) at \S+$/m);
    expect(stdout).toMatch(
      new RegExp(`^waiting {4}${PROMOTE} — tag approved "false" is not true`, "m"),
    );
  });

  it("a workflow that started a job for the version is not waiting; the approval sits between the jobs by time", async () => {
    // A dry-run request's time is its file's: one a minute before the approval, one a minute after.
    const job = (name: string, workflow: string, offsetMs: number) => {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          method: "PUT",
          url: `https://management.azure.com${PLACEHOLDER_WORKSPACE_ID}/jobs/${name}`,
          body: {
            properties: {
              tags: {
                "trigger.workflow": workflow,
                "trigger.eventId": `evt-${name}`,
                "trigger.model": "churn:3",
              },
            },
          },
        }),
      );
      const at = new Date(Date.now() + offsetMs);
      utimesSync(file, at, at);
    };
    job("validate-registered-model-aaa", "validate-registered-model", -60_000);
    expect((await run("approve.ts", ["--model", "churn:3"])).status).toBe(0);
    job(`${PROMOTE}-bbb`, PROMOTE, 60_000);
    const { stdout } = await run("status.ts", ["--model", "churn:3"]);
    expect(stdout).not.toMatch(/^waiting/m);
    const order = stdout
      .split("\n")
      .map((line) => /^(?:dry run \(not submitted\) (\S+)|(approval) )/.exec(line))
      .flatMap((m) => (m ? [m[1] ?? m[2]] : []));
    expect(order).toEqual(["validate-registered-model-aaa", "approval", `${PROMOTE}-bbb`]);
  });

  it("says when the dry run has no record of the version, and goes on (exit 0)", async () => {
    const { status, stdout } = await run("status.ts", ["--model", "churn:404"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^model {6}the dry run has no record of churn:404 \(no report and no approve wrote it\)$/m,
    );
    expect(stdout).toMatch(/^status: nothing matches — /m);
  });
});

describe("amlwf approve and status, against the workspace (ARM stand-in)", () => {
  const project = approvalProject();
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let alice: Awaited<ReturnType<typeof startJwtIdentityEndpoint>>;
  let restoreEnv: () => void;
  let env: Record<string, string | undefined> = {};
  const properties = {
    description: "churn classifier",
    modelType: "mlflow_model",
    modelUri: "azureml://subscriptions/…/models/churn/versions/3",
    flavors: { python_function: { data: { loader_module: "mlflow.sklearn" } } },
  };
  const run = (script: string, args: string[], extra: Record<string, string> = {}) =>
    runScript(script, args, { ...env, ...extra }, project.root);

  beforeAll(async () => {
    [arm, identity, alice] = await Promise.all([
      startArmStandIn(),
      startIdentityEndpoint(),
      startJwtIdentityEndpoint({ upn: "alice@contoso.com", oid: "0000-alice", appid: "cli" }),
    ]);
    restoreEnv = useLocalManagedIdentity(identity);
    env = {
      ...project.settings,
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.amlWorkspaces]: OTHER,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      ...alice.env,
    };
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close(), alice.close()]);
  });

  const modelRequests = (name: string) =>
    arm.requests.filter((r) => r.path.includes(`/models/churn/versions/${name}`));

  it("GETs the version and PUTs it back whole with the approval merged in, as the caller the token names", async () => {
    arm.models.set("churn/3", { properties: { ...properties, tags: { ...VALIDATED } } });
    const { status, stdout, stderr } = await run("approve.ts", [
      "--model",
      "churn:3",
      "--note",
      "AUC 0.91 on holdout",
    ]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const requests = modelRequests("3");
    expect(requests.map((r) => `${r.method} ${r.path} ${r.apiVersion ?? ""}`)).toEqual(
      ["GET", "PUT"].map((m) => `${m} ${TEST_WORKSPACE_ID}/models/churn/versions/3 2025-12-01`),
    );
    expect(requests.every((r) => r.authorization === `Bearer ${alice.token}`)).toBe(true);
    const put = requests[1]?.body as { properties: Record<string, unknown> };
    const { tags, ...rest } = put.properties;
    expect(rest).toEqual(properties);
    expect(tags).toMatchObject({
      ...VALIDATED,
      approved: "true",
      "approved.by": "alice@contoso.com",
      "approved.note": "AUC 0.91 on holdout",
    });
    expect(stdout).toMatch(
      /^approve: churn:3 approved by alice@contoso\.com at \S+ — workspace ml-ws$/m,
    );
    // The token is used, never shown.
    expect(`${stdout}${stderr}`).not.toContain(alice.token.split(".")[1] ?? "?");
  });

  it("--workspace picks another served workspace by name", async () => {
    arm.models.set("churn/4", { properties: { ...properties, tags: {} } });
    const { status } = await run("approve.ts", ["--model", "churn:4", "--workspace", "team-b-ws"]);
    expect(status).toBe(0);
    expect(modelRequests("4").map((r) => r.path.replace(/\/models\/.*$/, ""))).toEqual([
      OTHER,
      OTHER,
    ]);
  });

  it("a token that names no one (an opaque test token) records approved.by unknown, and warns", async () => {
    arm.models.set("churn/6", { properties: { ...properties, tags: {} } });
    const { status, stderr } = await run("approve.ts", ["--model", "churn:6"], {
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
    });
    expect(status).toBe(0);
    expect(stderr).toMatch(/your ARM token names no one .*approved\.by is "unknown"/);
    const tags = arm.models.get("churn/6")?.properties.tags as Record<string, string>;
    expect(tags["approved.by"]).toBe("unknown");
    expect(stderr).not.toContain(identity.token);
  });

  it("a version the workspace does not have: exit 1, naming it and the workspace, and nothing written", async () => {
    const { status, stderr } = await run("approve.ts", ["--model", "churn:99"]);
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^no model churn:99 in workspace ml-ws \(\/subscriptions\/.*\/workspaces\/ml-ws\); --workspace picks another served one: team-b-ws$/m,
    );
    expect(modelRequests("99").map((r) => r.method)).toEqual(["GET"]);
  });

  it("a 403 on the read or the write: exit 1, naming the role", async () => {
    arm.models.set("churn/7", { properties: { ...properties, tags: {} } });
    const refused = {
      status: 403,
      body: {
        error: {
          code: "AuthorizationFailed",
          message: "The client does not have authorization to perform action",
        },
      },
    };
    arm.faults.push(refused);
    const read = await run("approve.ts", ["--model", "churn:7"]);
    expect(read.status).toBe(1);
    expect(read.stderr).toMatch(
      /reading model churn:7 answered 403 \(AuthorizationFailed: .*\); your identity needs AzureML Data Scientist on workspace ml-ws/,
    );
    arm.chooseFault = (method) => (method === "PUT" ? refused : undefined);
    try {
      const write = await run("approve.ts", ["--model", "churn:7"]);
      expect(write.status).toBe(1);
      expect(write.stderr).toMatch(
        /tagging model churn:7 answered 403 .*AzureML Data Scientist on workspace ml-ws/,
      );
    } finally {
      arm.chooseFault = undefined;
    }
    expect(arm.models.get("churn/7")?.properties.tags).toEqual({});
  });

  it("status shows the promotion waiting, then the approval with who and when", async () => {
    arm.models.set("churn/5", { properties: { ...properties, tags: { ...VALIDATED } } });
    const before = await run("status.ts", ["--model", "churn:5"]);
    expect(before.status).toBe(0);
    expect(before.stdout).toMatch(/^approval {3}no approval recorded for churn:5$/m);
    expect(before.stdout).toMatch(
      new RegExp(`^waiting {4}${PROMOTE} — tag approved is missing`, "m"),
    );

    expect((await run("approve.ts", ["--model", "churn:5"])).status).toBe(0);
    const after = await run("status.ts", ["--model", "churn:5", "--json"]);
    const report = JSON.parse(after.stdout) as {
      model: { workspace: string; approval: { approved: boolean; by: string; at: string } };
    };
    expect(report.model.workspace).toBe(TEST_WORKSPACE_ID);
    expect(report.model.approval).toMatchObject({ approved: true, by: "alice@contoso.com" });
    const text = await run("status.ts", ["--model", "churn:5"]);
    expect(text.stdout).toMatch(/^approval {3}approved by alice@contoso\.com at \S+$/m);
  });

  it("status says when no served workspace has the version (exit 0), and exits 1 when reading it is refused", async () => {
    const missing = await run("status.ts", ["--model", "churn:404"]);
    expect(missing.status).toBe(0);
    expect(missing.stdout).toMatch(/^model {6}no model churn:404 in workspaces ml-ws, team-b-ws$/m);
    // Only the model reads are refused (the stand-in records a request before choosing its fault).
    arm.chooseFault = () =>
      arm.requests.at(-1)?.path.includes("/models/")
        ? { status: 403, body: { error: { code: "AuthorizationFailed", message: "no" } } }
        : undefined;
    try {
      const refused = await run("status.ts", ["--model", "churn:5"]);
      expect(refused.status).toBe(1);
      expect(refused.stdout).toMatch(
        /^model {6}reading model churn:5 answered 403 \(AuthorizationFailed: no\); your identity needs AzureML Data Scientist on workspace ml-ws/m,
      );
      expect(refused.stdout).toMatch(/^status: nothing matches — /m);
    } finally {
      arm.chooseFault = undefined;
    }
  });
});
