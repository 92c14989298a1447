import { describe, expect, it } from "vitest";

import { expandDevelopmentStorage } from "../../scripts/cli/azuriteStorage";

describe("UseDevelopmentStorage=true in a command's settings", () => {
  it("points at the Azurite ports AZURITE_*_PORT name, not the SDK's fixed 10000-10002", () => {
    const env: NodeJS.ProcessEnv = {
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      AZURITE_BLOB_PORT: "7392",
      AZURITE_QUEUE_PORT: "7393",
    };
    expandDevelopmentStorage(env);
    expect(env.AzureWebJobsStorage).toMatch(
      /BlobEndpoint=http:\/\/127\.0\.0\.1:7392\/devstoreaccount1;/,
    );
    expect(env.AzureWebJobsStorage).toMatch(/QueueEndpoint=http:\/\/127\.0\.0\.1:7393\//);
    expect(env.AzureWebJobsStorage).toMatch(/TableEndpoint=http:\/\/127\.0\.0\.1:10002\//);
  });

  it("leaves any other storage setting alone, and names a bad port setting", () => {
    const env: NodeJS.ProcessEnv = {
      AzureWebJobsStorage: "DefaultEndpointsProtocol=https;AccountName=x",
    };
    expandDevelopmentStorage(env);
    expect(env.AzureWebJobsStorage).toBe("DefaultEndpointsProtocol=https;AccountName=x");
    expect(() => {
      expandDevelopmentStorage({
        AzureWebJobsStorage: "UseDevelopmentStorage=true",
        AZURITE_BLOB_PORT: "ten",
      });
    }).toThrow(/AZURITE_BLOB_PORT must be a port number \(0-65535\), got "ten"/);
  });
});
