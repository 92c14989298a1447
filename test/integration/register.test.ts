import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DefaultAzureCredential } from "@azure/identity";
import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createArmClient } from "../../scripts/register/armClient";
import { registerAssets } from "../../scripts/register/registerAssets";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { compileWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import { placeComponents } from "../../shared/compiled/placement";
import { type AssetsStandIn, startAssetsStandIn } from "../support/assetsStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { startTestAzurite } from "../support/azurite";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { runScript } from "../support/runScript";
import { REPO_ROOT } from "../support/samples";

const FIXTURE = join(REPO_ROOT, "test", "fixtures", "assets");
const workspace = (() => {
  const parsed = parseWorkspaceId(TEST_WORKSPACE_ID);
  if (!parsed.ok) throw new Error("workspace");
  return parsed.value;
})();

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "register-"));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function manifestOf(dir: string) {
  const compiled = compileWorkflows(join(dir, "workflows.yaml"));
  if (!compiled.ok) throw compiled.error;
  return compiled.value.pipelines["pipelines/retrain.yml"]!.assets;
}

describe("register: every asset the compiled pipelines need, made to exist in the workspace", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  let identity: IdentityEndpoint;
  let standIn: AssetsStandIn;
  let restoreEnv: () => void;
  let dataContainer: ContainerClient;

  beforeAll(async () => {
    azurite = await startTestAzurite();
    identity = await startIdentityEndpoint();
    restoreEnv = useLocalManagedIdentity(identity);
    standIn = await startAssetsStandIn(
      TEST_WORKSPACE_ID,
      `http://127.0.0.1:${azurite.ports.blob}/devstoreaccount1`,
    );
    dataContainer = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient("workspaceblobstore-data");
    await dataContainer.createIfNotExists();
  }, 60_000);
  afterAll(async () => {
    restoreEnv();
    await Promise.all([standIn.close(), identity.close(), azurite.stop()]);
  });

  const register = (dir: string) =>
    registerAssets(manifestOf(dir), {
      arm: createArmClient(standIn.endpoint, new DefaultAzureCredential()),
      workspace,
      root: dir,
      containerForSas: (sas) => new ContainerClient(sas),
      datastoreContainer: (d) => {
        expect(d).toEqual({
          accountName: "devstoreaccount1",
          containerName: "workspaceblobstore-data",
          endpoint: "core.windows.net",
          protocol: "https",
        });
        return dataContainer;
      },
      progress: () => undefined,
    });

  it("uploads code and data, registers environments and components; a second run creates nothing; one changed file makes one code and one component", async () => {
    const dir = copyFixture();
    const first = await register(dir);
    expect(first).toEqual({
      codes: {
        created: 2,
        existing: 0,
        filesUploaded: 4,
        bytesUploaded: expect.any(Number) as number,
      },
      environments: { created: 2, existing: 0 },
      components: { created: 3, existing: 0 },
      data: { uploaded: 2, existing: 0, filesUploaded: 2 },
    });
    // Every call carried the managed identity's token.
    expect(new Set(standIn.requests.map((r) => r.authorization))).toEqual(
      new Set([`Bearer ${identity.token}`]),
    );

    // Components went in with the workspace's own ids, and the code points at what was uploaded.
    const manifest = manifestOf(dir);
    const placed = placeComponents(manifest.components, workspace).components;
    const train = standIn.assets.get(
      `components/azureml_anonymous/versions/${placed[1]?.version ?? ""}`,
    ) as { properties: { componentSpec: { code: string }; isAnonymous: boolean } };
    expect(train.properties.isAnonymous).toBe(true);
    // As azure-ai-ml writes it inside a spec: `azureml:` and the workspace's own id.
    expect(train.properties.componentSpec.code).toBe(
      `azureml:${TEST_WORKSPACE_ID}/codes/${manifest.codes[1]?.name ?? ""}/versions/1`,
    );
    const code = standIn.assets.get(`codes/${manifest.codes[1]?.name ?? ""}/versions/1`) as {
      properties: { codeUri: string };
    };
    // The code's container, read back with Azurite's account: what register wrote through the SAS.
    const containerName = code.properties.codeUri.split("/").at(-2) ?? "";
    const uploaded = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient(containerName);
    const names: string[] = [];
    for await (const blob of uploaded.listBlobsFlat()) names.push(blob.name);
    expect(names.sort()).toEqual(["src/.amlignore", "src/train.py"]);
    const data: string[] = [];
    for await (const blob of dataContainer.listBlobsFlat({ prefix: "LocalUpload/" }))
      data.push(blob.name);
    expect(data.sort()).toEqual(
      [
        `${manifest.data[0]?.datastorePath ?? ""}/part-0.csv`,
        `${manifest.data[1]?.datastorePath ?? ""}/Dockerfile`,
      ].sort(),
    );
    // The environment built from a Docker context names the context where it was uploaded.
    const built = standIn.assets.get(
      `environments/CliV2AnonymousEnvironment/versions/${manifest.environments[1]?.version ?? ""}`,
    ) as { properties: { build: { contextUri: string } } };
    expect(built.properties.build.contextUri).toBe(
      `https://devstoreaccount1.blob.core.windows.net/workspaceblobstore-data/${manifest.data[1]?.datastorePath ?? ""}/`,
    );

    const before = standIn.requests.length;
    const second = await register(dir);
    expect(second).toEqual({
      codes: { created: 0, existing: 2, filesUploaded: 0, bytesUploaded: 0 },
      environments: { created: 0, existing: 2 },
      components: { created: 0, existing: 3 },
      data: { uploaded: 0, existing: 2, filesUploaded: 0 },
    });
    expect(standIn.requests.slice(before).every((r) => r.method === "GET")).toBe(true);

    appendFileSync(join(dir, "components", "train", "src", "train.py"), "# changed\n");
    const third = await register(dir);
    expect([third.codes.created, third.components.created, third.environments.created]).toEqual([
      1, 1, 0,
    ]);
  }, 60_000);

  it("npm run register: says what it did, and on a second run that everything was there", async () => {
    standIn.assets.clear();
    const dir = copyFixture();
    // No local data here: the command reaches the datastore by its real URL, which only Azure has.
    const pipeline = join(dir, "pipelines", "retrain.yml");
    writeFileSync(
      pipeline,
      readFileSync(pipeline, "utf8")
        .replace("path: ../data/raw", "path: azureml://datastores/workspaceblobstore/paths/raw/")
        // nor a Docker build context, which is uploaded as data
        .replace(/ {2}report:[\s\S]*$/, ""),
    );
    const env = {
      AML_WORKSPACE_ID: TEST_WORKSPACE_ID,
      ARM_ENDPOINT: standIn.endpoint,
      WORKFLOWS_FILE: join(dir, "workflows.yaml"),
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
    };
    const first = await runScript("register.ts", [], env);
    expect(first.stdout + first.stderr).not.toMatch(/error/i);
    expect(first.stderr).toMatch(/… code jobs\/prep: 2\/2 files/);
    expect(first.stdout).toMatch(
      /^register: codes created=2 existing=0 \(uploaded 4 files, \d+ bytes\); environments created=1 existing=0; components created=2 existing=0; data uploaded=0 existing=0$/m,
    );
    expect(first.status).toBe(0);
    const second = await runScript("register.ts", [], env);
    expect(second.stdout).toMatch(
      /codes created=0 existing=2 \(uploaded 0 files, 0 bytes\); environments created=0 existing=1; components created=0 existing=2/,
    );
  }, 60_000);

  it("says which role is missing when the workspace storage refuses the upload", async () => {
    standIn.assets.clear();
    const dir = copyFixture();
    // A real 403 from Azurite: the container reached with a signature it did not issue.
    const refusing = new ContainerClient(
      `http://127.0.0.1:${azurite.ports.blob}/devstoreaccount1/workspaceblobstore-data?sv=2021-08-06&ss=b&srt=sco&sp=rwl&se=2099-01-01T00:00:00Z&sig=${encodeURIComponent("bm90IGEgc2lnbmF0dXJl")}`,
    );
    await expect(
      registerAssets(manifestOf(dir), {
        arm: createArmClient(standIn.endpoint, new DefaultAzureCredential()),
        workspace,
        root: dir,
        containerForSas: (sas) => new ContainerClient(sas),
        datastoreContainer: () => refusing,
        progress: () => undefined,
      }),
    ).rejects.toThrow(
      /storage account devstoreaccount1, container workspaceblobstore-data\) was refused \(403 \w+\): the identity running register needs Storage Blob Data Contributor on devstoreaccount1/,
    );
  }, 60_000);

  it("needs a workspace", async () => {
    const result = await runScript("register.ts", [], { AML_WORKSPACE_ID: "" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/register needs AML_WORKSPACE_ID/);
  });
});
