import { basename } from "node:path";

import type { Workspace } from "../../shared/aml/workspace";
import {
  type AssetManifest,
  type CodeAsset,
  type ComponentAsset,
  DATASTORE_URL_TOKEN,
  type EnvironmentAsset,
} from "../../shared/compiled/compiledConfig";
import { placeComponents } from "../../shared/compiled/placement";
import { isRecord } from "../../shared/guards";

// The api-versions azure-ai-ml uses for these operations.
export const ASSET_API_VERSIONS = {
  codes: "2023-04-01",
  environments: "2023-04-01",
  components: "2024-01-01-preview",
  datastores: "2023-04-01",
} as const;

/** One asset request `register` sends (or would send): an ARM PUT, or a blob upload of local data. */
export type AssetRequest =
  | {
      kind: "code" | "environment" | "component";
      method: "PUT";
      path: string;
      apiVersion: string;
      body: unknown;
    }
  | { kind: "data"; method: "upload"; from: string; to: string };

/** The URL of the workspace's default datastore container, until it is read from ARM. */
export const UNKNOWN_CONTAINER = DATASTORE_URL_TOKEN;

/** The version of azure-ai-ml's code content hash (`get_content_hash_version`). */
export const CODE_HASH_VERSION = "202208";

/** Where `register` puts a code folder: the pending upload's blob URI, then the folder's name. */
export const PENDING_UPLOAD_URI = "{pendingUploadBlobUri}";

/** A code version's URI, as azure-ai-ml makes it: the folder under the upload, or the upload holding a file. */
export const codeUri = (blobUri: string, code: CodeAsset) =>
  code.kind === "file" ? blobUri : `${blobUri}/${basename(code.folder)}`;

/** The body of a code version, as azure-ai-ml registers it: its content hash lets `az ml` find it. */
export function codeBody(code: CodeAsset, codeUri: string): unknown {
  return {
    properties: {
      properties: { hash_sha256: code.sha256, hash_version: CODE_HASH_VERSION },
      isAnonymous: true,
      isArchived: false,
      codeUri,
    },
  };
}

/** The body of an anonymous environment version; the datastore URL filled in once known. */
export function environmentBody(environment: EnvironmentAsset, containerUrl: string): unknown {
  const properties = JSON.parse(
    JSON.stringify(environment.properties).replaceAll(DATASTORE_URL_TOKEN, containerUrl),
  ) as Record<string, unknown>;
  return { properties: { ...properties, isArchived: false } };
}

/** The body of an anonymous component version, its spec already placed in the workspace. */
export function componentBody(component: ComponentAsset): unknown {
  const { description, tags } = component.spec;
  return {
    properties: {
      ...(typeof description === "string" ? { description } : {}),
      properties: {},
      tags: isRecord(tags) ? tags : {},
      isAnonymous: true,
      isArchived: false,
      componentSpec: component.spec,
    },
  };
}

/**
 * Every request registering the manifest makes, in order (data, then code, environments,
 * components), with bodies as `register` sends them. Code and data URLs name the default
 * datastore's container, which only ARM knows: `containerUrl` when read, a token otherwise.
 */
export function assetRequests(
  manifest: AssetManifest,
  workspace: Workspace,
  containerUrl: string = UNKNOWN_CONTAINER,
): AssetRequest[] {
  const ws = workspace.id;
  return [
    ...manifest.data.map((d): AssetRequest => ({
      kind: "data",
      method: "upload",
      from: d.path,
      to: `${containerUrl}/${d.datastorePath}`,
    })),
    ...manifest.codes.map((c): AssetRequest => ({
      kind: "code",
      method: "PUT",
      path: `${ws}/codes/${c.name}/versions/${c.version}`,
      apiVersion: ASSET_API_VERSIONS.codes,
      body: codeBody(c, codeUri(PENDING_UPLOAD_URI, c)),
    })),
    ...manifest.environments.map((e): AssetRequest => ({
      kind: "environment",
      method: "PUT",
      path: `${ws}/environments/${e.name}/versions/${e.version}`,
      apiVersion: ASSET_API_VERSIONS.environments,
      body: environmentBody(e, containerUrl),
    })),
    ...placeComponents(manifest.components, workspace).components.map((c): AssetRequest => ({
      kind: "component",
      method: "PUT",
      path: `${ws}/components/${c.name}/versions/${c.version}`,
      apiVersion: ASSET_API_VERSIONS.components,
      body: componentBody(c),
    })),
  ];
}
