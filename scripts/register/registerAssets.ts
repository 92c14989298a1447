import { realpathSync, statSync } from "node:fs";
import { basename, join } from "node:path";

import type { ContainerClient } from "@azure/storage-blob";

import type { Workspace } from "../../shared/aml/workspace";
import { readCodeFolder, readUploadFile } from "../../shared/compile/pipeline/codeFolder";
import {
  componentIgnoreRules,
  folderIgnoreRules,
  NO_IGNORE,
} from "../../shared/compile/pipeline/sdkHashes";
import { type AssetManifest, DATASTORE_URL_TOKEN } from "../../shared/compiled/compiledConfig";
import { placeComponents } from "../../shared/compiled/placement";
import { isRecord } from "../../shared/guards";
import type { ArmAnswer, ArmClient } from "./armClient";
import { codeBody, codeUri, componentBody, environmentBody } from "./assetRequests";

// The api-versions azure-ai-ml uses for these operations.
const CODES_API = "2023-04-01";
const ENVIRONMENTS_API = "2023-04-01";
const COMPONENTS_API = "2024-01-01-preview";
const DATASTORES_API = "2023-04-01";

/** What registering did, per kind: created now, or there already. */
export interface RegisterReport {
  codes: { created: number; existing: number; filesUploaded: number; bytesUploaded: number };
  environments: { created: number; existing: number };
  components: { created: number; existing: number };
  data: { uploaded: number; existing: number; filesUploaded: number };
}

/** What registering needs from outside: ARM, blob containers by SAS, and the default datastore's container. */
export interface RegisterDependencies {
  arm: ArmClient;
  workspace: Workspace;
  /** The files of the workflows config's folder live here; manifest paths are relative to it. */
  root: string;
  containerForSas(sasUri: string): ContainerClient;
  /** The default datastore's container, reached with the caller's identity. */
  datastoreContainer(datastore: {
    accountName: string;
    containerName: string;
    endpoint: string;
    protocol: string;
  }): ContainerClient;
  progress(line: string): void;
}

function failure(what: string, answer: ArmAnswer): Error {
  const error =
    isRecord(answer.body) && isRecord(answer.body.error) ? answer.body.error : undefined;
  const detail = error
    ? `${typeof error.code === "string" ? error.code : "UnknownError"}: ${typeof error.message === "string" ? error.message : ""}`
    : String(answer.body).slice(0, 300);
  const hint =
    answer.status === 401 || answer.status === 403
      ? "; the identity running register needs AzureML Data Scientist (or Contributor) on the workspace"
      : "";
  return new Error(`${what}: ARM answered ${answer.status} (${detail})${hint}`);
}

/** A storage refusal, saying which role the identity running register lacks. */
function storageRefusal(error: unknown, account: string, container: string): unknown {
  const status = isRecord(error) ? error.statusCode : undefined;
  if (status !== 403) return error;
  const code = isRecord(error) && typeof error.code === "string" ? ` ${error.code}` : "";
  return new Error(
    `uploading to the default datastore (storage account ${account}, container ${container}) was refused (403${code}): the identity running register needs Storage Blob Data Contributor on ${account}. Workspace storage with shared keys off takes no account keys, so Owner or Contributor alone are not enough`,
  );
}

async function exists(
  deps: RegisterDependencies,
  path: string,
  apiVersion: string,
): Promise<boolean> {
  const answer = await deps.arm.send("GET", path, apiVersion);
  if (answer.status === 200) return true;
  if (answer.status === 404) return false;
  throw failure(`GET ${path}`, answer);
}

async function put(
  deps: RegisterDependencies,
  path: string,
  apiVersion: string,
  body: unknown,
): Promise<void> {
  const answer = await deps.arm.send("PUT", path, apiVersion, body);
  if (answer.status !== 200 && answer.status !== 201) throw failure(`PUT ${path}`, answer);
}

/**
 * Makes every asset in the manifest exist in the workspace, as azure-ai-ml does at submit time:
 * code uploaded through `startPendingUpload` and registered, inline environments and anonymous
 * components registered, local data uploaded to the default datastore. Names come from content
 * hashes, so what exists is left alone: a second run uploads and creates nothing.
 */
export async function registerAssets(
  manifest: AssetManifest,
  deps: RegisterDependencies,
): Promise<RegisterReport> {
  const report: RegisterReport = {
    codes: { created: 0, existing: 0, filesUploaded: 0, bytesUploaded: 0 },
    environments: { created: 0, existing: 0 },
    components: { created: 0, existing: 0 },
    data: { uploaded: 0, existing: 0, filesUploaded: 0 },
  };
  const ws = deps.workspace.id;

  for (const code of manifest.codes) {
    const path = `${ws}/codes/${code.name}/versions/${code.version}`;
    if (await exists(deps, path, CODES_API)) {
      report.codes.existing += 1;
      continue;
    }
    const folder = readCodeFolder(
      join(deps.root, code.folder),
      componentIgnoreRules(realpathSync(join(deps.root, code.folder))),
    );
    if (!folder.ok) throw new Error(folder.errors.join("; "));
    if (folder.value.sha256 !== code.sha256)
      throw new Error(
        `code folder ${code.folder} changed since it was compiled; compile and register again`,
      );
    const pending = await deps.arm.send("POST", `${path}/startPendingUpload`, CODES_API, {
      pendingUploadType: "TemporaryBlobReference",
    });
    const reference =
      isRecord(pending.body) && isRecord(pending.body.blobReferenceForConsumption)
        ? pending.body.blobReferenceForConsumption
        : undefined;
    const credential =
      reference && isRecord(reference.credential) ? reference.credential : undefined;
    if (
      pending.status !== 200 ||
      typeof reference?.blobUri !== "string" ||
      typeof credential?.sasUri !== "string"
    )
      throw failure(`POST ${path}/startPendingUpload`, pending);
    const container = deps.containerForSas(credential.sasUri);
    // As azure-ai-ml uploads code: under the folder's name at the root of the pending upload.
    // A single file goes at the root, and the code's URI is the upload itself.
    const prefix = code.kind === "file" ? "" : `${basename(code.folder)}/`;
    for (const [index, file] of folder.value.files.entries()) {
      const content = readUploadFile(file);
      await container.getBlockBlobClient(`${prefix}${file.relative}`).uploadData(content);
      report.codes.filesUploaded += 1;
      report.codes.bytesUploaded += content.length;
      deps.progress(`… code ${code.folder}: ${index + 1}/${folder.value.files.length} files`);
    }
    await put(deps, path, CODES_API, codeBody(code, codeUri(reference.blobUri, code)));
    report.codes.created += 1;
  }

  // Data before environments (a Docker build context is uploaded as data), environments before
  // the components that name them.
  let containerUrl: string | undefined;
  if (manifest.data.length > 0) {
    const answer = await deps.arm.send(
      "GET",
      `${ws}/datastores/workspaceblobstore`,
      DATASTORES_API,
    );
    const properties =
      isRecord(answer.body) && isRecord(answer.body.properties) ? answer.body.properties : {};
    const { accountName, containerName, endpoint, protocol } = properties;
    if (
      answer.status !== 200 ||
      typeof accountName !== "string" ||
      typeof containerName !== "string"
    )
      throw failure("GET the default datastore workspaceblobstore", answer);
    const store = {
      accountName,
      containerName,
      endpoint: typeof endpoint === "string" ? endpoint : "core.windows.net",
      protocol: typeof protocol === "string" ? protocol : "https",
    };
    containerUrl = `${store.protocol}://${accountName}.blob.${store.endpoint}/${containerName}`;
    const container = deps.datastoreContainer(store);
    for (const data of manifest.data) {
      const where = join(deps.root, data.path);
      const source = readCodeFolder(
        where,
        data.kind === "file" ? NO_IGNORE : folderIgnoreRules(where),
      );
      if (!source.ok) throw new Error(source.errors.join("; "));
      const blobName = (file: { relative: string }) =>
        data.kind === "file" ? data.datastorePath : `${data.datastorePath}/${file.relative}`;
      // The path holds the content hash: when every blob is there with its size, it is done.
      const present = new Map<string, number>();
      try {
        for await (const blob of container.listBlobsFlat({ prefix: data.datastorePath }))
          present.set(blob.name, blob.properties.contentLength ?? -1);
      } catch (error) {
        throw storageRefusal(error, accountName, containerName);
      }
      const missing = source.value.files.filter(
        (file) => present.get(blobName(file)) !== statSync(file.absolute).size,
      );
      if (missing.length === 0) {
        report.data.existing += 1;
        continue;
      }
      for (const file of missing) {
        await container
          .getBlockBlobClient(blobName(file))
          .uploadData(readUploadFile(file))
          .catch((error: unknown) => {
            throw storageRefusal(error, accountName, containerName);
          });
        report.data.filesUploaded += 1;
      }
      deps.progress(`… data ${data.path}: ${missing.length} file(s) uploaded`);
      report.data.uploaded += 1;
    }
  }
  for (const environment of manifest.environments) {
    const path = `${ws}/environments/${environment.name}/versions/${environment.version}`;
    if (await exists(deps, path, ENVIRONMENTS_API)) report.environments.existing += 1;
    else {
      await put(
        deps,
        path,
        ENVIRONMENTS_API,
        environmentBody(environment, containerUrl ?? DATASTORE_URL_TOKEN),
      );
      report.environments.created += 1;
    }
  }

  for (const component of placeComponents(manifest.components, deps.workspace).components) {
    const path = `${ws}/components/${component.name}/versions/${component.version}`;
    if (await exists(deps, path, COMPONENTS_API)) report.components.existing += 1;
    else {
      await put(deps, path, COMPONENTS_API, componentBody(component));
      report.components.created += 1;
    }
  }

  return report;
}
