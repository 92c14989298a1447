import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";

/** One request the assets stand-in received. */
export interface AssetRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A local HTTPS stand-in of a workspace's asset APIs (codes with startPendingUpload, environments,
 * components, the default datastore), with Azurite as the blob store behind the SAS it hands out.
 */
export interface AssetsStandIn {
  endpoint: string;
  requests: AssetRequest[];
  /** What exists, by ARM path below the workspace (e.g. `codes/<name>/versions/1`). */
  assets: Map<string, unknown>;
  close(): Promise<void>;
}

const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Starts the stand-in on 127.0.0.1 with the test TLS certificate; `blobEndpoint` is Azurite's. */
export async function startAssetsStandIn(
  workspaceId: string,
  blobEndpoint: string,
): Promise<AssetsStandIn> {
  const requests: AssetRequest[] = [];
  const assets = new Map<string, unknown>();
  const blobs = new BlobServiceClient(
    blobEndpoint,
    new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_KEY),
  );
  const server: Server = createServer(
    {
      key: readFileSync(process.env.TEST_TLS_KEY ?? ""),
      cert: readFileSync(process.env.TEST_TLS_CERT ?? ""),
    },
    (req, res) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "https://127.0.0.1");
        const body: unknown = text === "" ? undefined : JSON.parse(text);
        requests.push({
          method: req.method ?? "",
          path: url.pathname,
          apiVersion: url.searchParams.get("api-version"),
          authorization: req.headers.authorization,
          body,
        });
        const send = (status: number, payload: unknown) =>
          res
            .writeHead(status, { "content-type": "application/json" })
            .end(JSON.stringify(payload));
        if (!url.pathname.startsWith(`${workspaceId}/`))
          return send(404, { error: { code: "NotFound" } });
        const rest = decodeURIComponent(url.pathname.slice(workspaceId.length + 1));
        if (rest === "datastores/workspaceblobstore" && req.method === "GET")
          return send(200, {
            properties: {
              accountName: DEV_ACCOUNT,
              containerName: "workspaceblobstore-data",
              endpoint: "core.windows.net",
              protocol: "https",
            },
          });
        if (rest.endsWith("/startPendingUpload") && req.method === "POST") {
          // As Azure does: a fresh container for this upload, and a SAS to write to it.
          const container = `upload-${randomUUID()}`;
          void blobs
            .createContainer(container)
            .then(() => {
              const sas = generateBlobSASQueryParameters(
                {
                  containerName: container,
                  permissions: ContainerSASPermissions.parse("racwl"),
                  expiresOn: new Date(Date.now() + 3_600_000),
                },
                new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_KEY),
              ).toString();
              const blobUri = `${blobEndpoint}/${container}`;
              send(200, {
                blobReferenceForConsumption: {
                  blobUri,
                  credential: { credentialType: "SAS", sasUri: `${blobUri}?${sas}` },
                },
              });
            })
            .catch((error: unknown) => {
              send(500, { error: { code: "StandIn", message: String(error) } });
            });
          return;
        }
        if (req.method === "GET")
          return assets.has(rest)
            ? send(200, assets.get(rest))
            : send(404, { error: { code: "NotFound" } });
        if (req.method === "PUT") {
          assets.set(rest, body);
          return send(201, body);
        }
        send(405, { error: { code: "MethodNotAllowed" } });
        return undefined;
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    assets,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
