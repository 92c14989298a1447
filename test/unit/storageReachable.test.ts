import { describe, expect, it } from "vitest";

import { azuriteNotRunning, explainStorageError } from "../../scripts/cli/storageReachable";

const AZURITE = {
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
  AZURITE_BLOB_PORT: "41000",
  AZURITE_QUEUE_PORT: "41001",
  AZURITE_TABLE_PORT: "41002",
};
const MESSAGE =
  "Azurite is not running on 127.0.0.1:41000 (it runs with amlwf start); start it, or point AzureWebJobsStorage elsewhere";

/** What the storage SDK throws when nothing listens: a RestError carrying the code and the request. */
function restError(url: string): Error {
  const { host } = new URL(url);
  return Object.assign(new Error(`connect ECONNREFUSED ${host}`), {
    name: "RestError",
    code: "ECONNREFUSED",
    request: { url },
  });
}

/** What Node's socket throws: a system error with the address and port. */
function socketError(address: string, port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${address}:${port}`), {
    code: "ECONNREFUSED",
    address,
    port,
  });
}

describe("azuriteNotRunning: a refused local Azurite, in our words", () => {
  it("names the port UseDevelopmentStorage=true points at (AZURITE_BLOB_PORT), for the SDK's error", () => {
    const error = restError("http://127.0.0.1:41000/devstoreaccount1/rejected-events?comp=list");
    expect(azuriteNotRunning(error, AZURITE)).toBe(MESSAGE);
  });

  it("recognises a 127.0.0.1 connection string, and a refusal found in the error's cause", () => {
    const env = {
      AzureWebJobsStorage:
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;",
    };
    const wrapped = new Error("listing failed", { cause: socketError("127.0.0.1", 41000) });
    expect(azuriteNotRunning(wrapped, env)).toBe(MESSAGE);
  });

  it("leaves a refusal on another local port alone (an ARM stand-in, a webhook)", () => {
    expect(azuriteNotRunning(socketError("127.0.0.1", 45999), AZURITE)).toBeUndefined();
  });

  it("leaves Azure storage alone, and errors that are not a refused connection", () => {
    const refused = socketError("127.0.0.1", 41000);
    expect(
      azuriteNotRunning(refused, {
        ...AZURITE,
        AzureWebJobsStorage: "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=k",
      }),
    ).toBeUndefined();
    expect(
      azuriteNotRunning(refused, { ...AZURITE, AzureWebJobsStorage__accountName: "prodstore" }),
    ).toBeUndefined();
    expect(azuriteNotRunning(refused, {})).toBeUndefined();
    expect(azuriteNotRunning(new Error("connect ETIMEDOUT 127.0.0.1:41000"), AZURITE)).toBe(
      undefined,
    );
  });

  it("explainStorageError puts our message in place of the raw one, keeping it as the cause", () => {
    const raw = socketError("127.0.0.1", 41000);
    const explained = explainStorageError(raw, AZURITE) as Error;
    expect(explained.message).toBe(MESSAGE);
    expect(explained.cause).toBe(raw);
    const other = new Error("403");
    expect(explainStorageError(other, AZURITE)).toBe(other);
  });
});
