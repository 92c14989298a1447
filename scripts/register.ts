/** `amlwf register [--workflows <file>]`: make every asset the compiled pipelines need exist in the workspace. */
import { dirname, resolve } from "node:path";

import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

import { lazyDefaultAzureCredential } from "../shared/aml/lazyCredential";
import { compileWorkflows } from "../shared/compile/workflows/loadWorkflows";
import type { AssetManifest } from "../shared/compiled/compiledConfig";
import { settingsOrThrow } from "../shared/core/runtime";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { createArmClient } from "./register/armClient";
import { registerAssets } from "./register/registerAssets";

/** Every pipeline's assets, each once. */
function union(manifests: AssetManifest[]): AssetManifest {
  const once = <T>(items: T[], key: (item: T) => string) => [
    ...new Map(items.map((item) => [key(item), item])).values(),
  ];
  return {
    codes: once(
      manifests.flatMap((m) => m.codes),
      (c) => c.name,
    ),
    data: once(
      manifests.flatMap((m) => m.data),
      (d) => d.datastorePath,
    ),
    environments: once(
      manifests.flatMap((m) => m.environments),
      (e) => `${e.name}:${e.version}`,
    ),
    components: once(
      manifests.flatMap((m) => m.components),
      (c) => `${c.name}:${c.version}`,
    ),
  };
}

runCommand({
  usage: "usage: amlwf register [--workflows <file>] [--json]",
  description: `Makes every asset the workflows' pipelines need exist in the workspace (AML_WORKSPACE_ID), as
\`az ml job create\` does at submit time: code folders uploaded and registered, inline environments and
anonymous components registered, local data uploaded to the default datastore. Names come from
content hashes, so a second run finds everything and creates nothing. Uses your Entra identity
(DefaultAzureCredential): AzureML Data Scientist on the workspace, and Storage Blob Data
Contributor on its storage for local data.
  --workflows FILE  the workflows config (default: WORKFLOWS_FILE, or workflows/workflows.yaml)
  --json            print what was created and what existed, as JSON
Exit: 0 registered, 1 a request failed, 2 usage, settings or config error.`,
  options: { workflows: { type: "string" }, json: { type: "boolean" } },
  async run({ values }) {
    const settings = settingsOrThrow();
    if (settings.target.kind !== "azure")
      throw new UsageError(
        "register needs AML_WORKSPACE_ID: the workspace to register the assets in",
      );
    const file =
      values.workflows === undefined ? settings.workflowsFile : resolve(values.workflows);
    if (/\.json$/i.test(file))
      throw new UsageError(
        `${file} is already compiled; register from the workflows YAML, whose folder holds the files to upload`,
      );
    const compiled = compileWorkflows(file);
    if (!compiled.ok) throw compiled.error;
    const manifest = union(Object.values(compiled.value.pipelines).map((p) => p.assets));
    const credential = lazyDefaultAzureCredential();
    const report = await registerAssets(manifest, {
      arm: createArmClient(settings.armEndpoint, credential),
      workspace: settings.target.workspace,
      root: dirname(file),
      containerForSas: (sasUri) => new ContainerClient(sasUri),
      datastoreContainer: (d) =>
        new BlobServiceClient(
          `${d.protocol}://${d.accountName}.blob.${d.endpoint}`,
          credential,
        ).getContainerClient(d.containerName),
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    if (values.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else
      process.stdout.write(
        `register: codes created=${report.codes.created} existing=${report.codes.existing} (uploaded ${report.codes.filesUploaded} files, ${report.codes.bytesUploaded} bytes); environments created=${report.environments.created} existing=${report.environments.existing}; components created=${report.components.created} existing=${report.components.existing}; data uploaded=${report.data.uploaded} existing=${report.data.existing}\n`,
      );
    return EXIT.ok;
  },
});
