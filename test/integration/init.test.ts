import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { HOST_STORAGE_SETTINGS, SETTING_NAMES } from "../../shared/constants";
import { REPO_ROOT } from "../support/samples";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

// A new user's environment: none of this suite's or the developer's settings (the project has its own).
const SETTINGS = new Set<string>([
  ...Object.values(SETTING_NAMES),
  ...Object.values(HOST_STORAGE_SETTINGS),
  "PORT",
]);
const NPM_ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !SETTINGS.has(name) && !name.startsWith("AZURITE_"),
    ),
  ),
  // npm from its cache where it can (the suite's own install filled it); no audit or banners.
  npm_config_prefer_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

function run(file: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(file, args, {
    cwd,
    env: NPM_ENV,
    encoding: "utf8",
    shell: process.platform === "win32",
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Fails with the command's output, so a broken step says why. */
function ok(result: SpawnSyncReturns<string>): string {
  if (result.status !== 0)
    throw new Error(`exit ${String(result.status)}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

// What registering the team's program under Pulumi's mocks registered, from the team's own
// @pulumi/pulumi (a second copy, this repository's, would not see the program's resources).
const MOCK_UP = `
const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setAllConfig({ "azure-native:location": "westeurope" });
pulumi.runtime.setMocks({
  newResource(args) {
    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
    const state = { ...args.inputs, name: args.inputs.name ?? args.name };
    if (args.inputs.identity) state.identity = { ...args.inputs.identity, principalId: "p-" + args.name };
    if (args.type === "azure-native:storage:StorageAccount")
      state.primaryEndpoints = { blob: "https://" + args.name + ".blob.core.windows.net/" };
    if (args.type === "azure-native:eventgrid:Domain") state.endpoint = "https://domain.example/api/events";
    if (args.type === "azure-native:applicationinsights:Component")
      state.connectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000";
    if (args.type === "command:local:Command")
      state.stdout = JSON.stringify({ functionResourceId: "/mock/functions/triggerPipelines" });
    return { id: "/subscriptions/s/resourceGroups/rg/providers/" + args.type + "/" + args.name, state };
  },
  call(args) {
    if (args.token === "azure-native:authorization:getClientConfig")
      return { subscriptionId: "s", tenantId: "t", objectId: "me", clientId: "me" };
    if (args.token === "azure-native:authorization:getClientToken")
      return { token: ["{}", JSON.stringify({ idtyp: "user" }), "sig"].map((p) => Buffer.from(p).toString("base64url")).join(".") };
    return args.inputs;
  },
}, "team", "ci", false);
const program = require("./bin/index.js");
setTimeout(() => {
  program.function_app_name.apply((functionAppName) => {
    process.stdout.write(JSON.stringify({ functionAppName, packageSha256: program.package_sha256, registered }));
  });
}, 1500);
`;

describe("amlwf init: a team's own repository, the tool installed from npm pack's tarball", () => {
  const work = mkdtempSync(join(tmpdir(), "amlwf-init-"));
  const team = join(work, "team");
  let tarball = "";

  beforeAll(() => {
    // Already built by `npm test`; scripts off, so no build rewrites dist/ under the other tests.
    ok(run(npm, ["pack", "--ignore-scripts", "--pack-destination", work], REPO_ROOT));
    tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz")) ?? "");
    // As a user types it, from a checkout of the tool.
    ok(run(npx, ["--no-install", "amlwf", "init", team, "--tool", tarball], REPO_ROOT));
    ok(run(npm, ["ci"], team));
  }, 600_000);

  // The project holds a whole install (hundreds of MB): never left behind.
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("writes the project: workflows, a sample event, the Pulumi program, CI, README, a lock naming the tarball", () => {
    for (const file of [
      "workflows/workflows.yaml",
      "workflows/pipelines/validate-model.yml",
      "events/model-registered.json",
      "infra/Pulumi.yaml",
      "infra/index.ts",
      ".github/workflows/aml-workflows.yml",
      ".gitignore",
      "README.md",
      "package-lock.json",
    ])
      expect(existsSync(join(team, file)), file).toBe(true);
    const manifest = JSON.parse(readFileSync(join(team, "package.json"), "utf8")) as {
      name: string;
      dependencies: Record<string, string>;
    };
    expect(manifest.name).toBe("team");
    expect(manifest.dependencies["aml-event-workflows"]).toMatch(
      /^file:\.\.\/aml-event-workflows-.*\.tgz$/,
    );
    expect(readFileSync(join(team, "infra", "Pulumi.yaml"), "utf8")).toMatch(/^name: "team"$/m);
    expect(readFileSync(join(team, "README.md"), "utf8")).not.toContain("{{");
    // Installed as the registry would serve it: a copy, not a link to this checkout.
    expect(
      existsSync(join(team, "node_modules", "aml-event-workflows", "dist", "scripts", "amlwf.js")),
    ).toBe(true);
    expect(existsSync(join(team, "node_modules", "aml-event-workflows", "test"))).toBe(false);
  });

  it("its own npm test passes: validate, plan events/, type-check the Pulumi program", () => {
    const out = ok(run(npm, ["test"], team));
    expect(out).toContain("validate: files=1 accepted=1");
    expect(out).toContain("plan: events=1 jobs=1 ignored=0 rejected=0");
  });

  it("npx amlwf validate and plan --model … --tag … read the project's workflows, not the tool's", () => {
    // The project's workflow, renamed: the tool's own example would still say validate-registered-model.
    const config = join(team, "workflows", "workflows.yaml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace(
        "name: validate-registered-model",
        "name: team-validate",
      ),
    );
    expect(ok(run(npx, ["--no-install", "amlwf", "validate"], team))).toContain(
      "workflows/workflows.yaml: valid (1 workflow: team-validate)",
    );
    const plan = JSON.parse(
      ok(
        run(
          npx,
          [
            "--no-install",
            "amlwf",
            "plan",
            "--json",
            "--model",
            "churn:3",
            "--tag",
            "stage=candidate",
          ],
          team,
        ),
      ),
    ) as { workflow: string; outcome: string }[];
    expect(plan.map((p) => [p.workflow, p.outcome])).toEqual([["team-validate", "submit"]]);
    const dryRun = run(
      npx,
      ["--no-install", "amlwf", "plan", "--model", "churn:3"],
      join(team, "workflows"),
    );
    expect(dryRun.status).toBe(0);
  });

  it("packages the function from the installed tool into the project's build/", () => {
    const built = JSON.parse(
      ok(run(npx, ["--no-install", "amlwf", "package", "--json"], team)),
    ) as {
      path: string;
      files: string[];
    };
    expect(built.path).toBe(join(team, "build", "function-app.zip"));
    expect(built.files).toContain("dist/functions/triggerPipelines.js");
    expect(built.files).toContain("workflows/workflows.compiled.json");
  });

  it("its Pulumi program registers the component under Pulumi's mocks, the package built in the project", () => {
    ok(run(npm, ["run", "build"], team));
    writeFileSync(join(team, "infra", "mock-up.js"), MOCK_UP);
    const result = JSON.parse(ok(run(process.execPath, ["mock-up.js"], join(team, "infra")))) as {
      functionAppName: string;
      packageSha256: string;
      registered: { type: string; name: string; inputs: Record<string, unknown> }[];
    };
    const types = result.registered.map((r) => r.type);
    expect(types).toContain("aml-event-workflows:index:AmlEventWorkflows");
    expect(types).toContain("azure-native:web:WebApp");
    expect(result.packageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(team, "build", "stacks", "ci", "function-app.zip"))).toBe(true);
    // The deployment runs the installed tool's script on the project's package, both named relative
    // to the program's folder (so another checkout does not redeploy).
    const deploy = result.registered.find((r) => r.type === "command:local:Command");
    expect(String(deploy?.inputs.create)).toMatch(
      /^node \.\.\/node_modules\/aml-event-workflows\/dist\/scripts\/deployPackage\.js .* --zip \.\.\/build\/stacks\/ci\/function-app\.zip /,
    );
  });

  it("refuses to overwrite: nothing is written, each existing file named, exit 2", () => {
    const other = join(work, "existing");
    mkdirSync(join(other, "workflows"), { recursive: true });
    writeFileSync(join(other, "workflows", "workflows.yaml"), "workflows: []\n");
    writeFileSync(join(other, "README.md"), "ours\n");
    const result = run(npx, ["--no-install", "amlwf", "init", other, "--no-lock"], REPO_ROOT);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("init would overwrite 2 files");
    expect(result.stderr).toContain("README.md, workflows/workflows.yaml; nothing was written");
    expect(readdirSync(other).sort()).toEqual(["README.md", "workflows"]);
  });

  it("--keep-existing writes only what is missing into a repository you have, your files untouched", () => {
    const yours = join(work, "yours");
    mkdirSync(yours);
    writeFileSync(join(yours, "README.md"), "ours\n");
    writeFileSync(join(yours, "package.json"), '{ "name": "ours" }\n');
    const result = run(npx, ["--no-install", "amlwf", "init", yours, "--keep-existing"], REPO_ROOT);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("kept as they were: README.md, package.json");
    expect(result.stdout).toMatch(
      /your package\.json is kept: add the tool with npm install aml-event-workflows@"\^/,
    );
    expect(readFileSync(join(yours, "README.md"), "utf8")).toBe("ours\n");
    expect(readFileSync(join(yours, "package.json"), "utf8")).toBe('{ "name": "ours" }\n');
    expect(existsSync(join(yours, "workflows", "workflows.yaml"))).toBe(true);
    expect(existsSync(join(yours, "infra", "index.ts"))).toBe(true);
    // Its package.json is not ours to change: npm was not run.
    expect(existsSync(join(yours, "package-lock.json"))).toBe(false);
  });
});
