import { describe, expect, it } from "vitest";

import {
  AZURE_EVENT_TYPES,
  PLACEHOLDER_STORAGE_ACCOUNT_ID,
  PLACEHOLDER_WORKSPACE_ID,
  WATCHED_EVENT_TYPES,
} from "../../shared/constants";
import { type NormalizedEvent, normalizeEvent } from "../../shared/events/normalizeEvent";
import { sampleEvent } from "../support/samples";

function normalized(name: string): NormalizedEvent {
  const result = normalizeEvent(sampleEvent(name));
  if (!result.ok) throw new Error(`${name}: ${result.errors.join("; ")}`);
  return result.value;
}

// The shapes: https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage (BlobCreated),
// https://learn.microsoft.com/azure/event-grid/event-schema-iot-hub (DeviceTelemetry: the body is
// JSON only when the message's content type is application/json in UTF-8, base64 otherwise); the
// watcher's events (WATCHED_EVENT_TYPES) as the issue 21 design gives them.
const IOT_HUB =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/example-rg/providers/Microsoft.Devices/IotHubs/example-hub";

describe("the samples of other Azure sources and of the watcher normalize, in their documented shapes", () => {
  it("blob-created: PutBlob of landing/churn/2026-12-06.csv in the placeholder storage account", () => {
    const event = normalized("blob-created.eventgrid.json");
    expect(event).toMatchObject({
      type: AZURE_EVENT_TYPES.blobCreated,
      source: PLACEHOLDER_STORAGE_ACCOUNT_ID,
      subject: "/blobServices/default/containers/landing/blobs/churn/2026-12-06.csv",
      schema: "eventgrid",
      blob: {
        account: "examplestorage",
        container: "landing",
        path: "churn/2026-12-06.csv",
        url: "https://examplestorage.blob.core.windows.net/landing/churn/2026-12-06.csv",
      },
    });
    expect(sampleEvent("blob-created.eventgrid.json")).toMatchObject({
      dataVersion: "",
      metadataVersion: "1",
      data: { api: "PutBlob", blobType: "BlockBlob", contentType: "text/csv" },
    });
  });

  it("iot-device-telemetry: a JSON body, as IoT Hub writes it for application/json in UTF-8", () => {
    const event = normalized("iot-device-telemetry.eventgrid.json");
    expect(event).toMatchObject({
      type: AZURE_EVENT_TYPES.deviceTelemetry,
      source: IOT_HUB,
      subject: "devices/press-17",
      data: {
        body: { vibrationRms: 0.82 },
        systemProperties: {
          "iothub-content-type": "application/json",
          "iothub-content-encoding": "utf-8",
          "iothub-connection-device-id": "press-17",
          "iothub-message-source": "Telemetry",
        },
      },
    });
  });

  it("model-tags-changed: the approval of churn:3, with the tags before it", () => {
    const event = normalized("model-tags-changed.eventgrid.json");
    expect(event).toMatchObject({
      type: WATCHED_EVENT_TYPES.modelTagsChanged,
      source: PLACEHOLDER_WORKSPACE_ID,
      subject: "models/churn:3",
      model: { name: "churn", version: "3", tags: { approved: "true" } },
      data: { previousModelTags: { stage: "candidate" } },
    });
  });

  it("data-version-created: churn-training:7, a folder in the default datastore", () => {
    const event = normalized("data-version-created.eventgrid.json");
    expect(event).toMatchObject({
      type: WATCHED_EVENT_TYPES.dataVersionCreated,
      source: PLACEHOLDER_WORKSPACE_ID,
      subject: "data/churn-training:7",
      dataAsset: {
        name: "churn-training",
        version: "7",
        uri: "azureml://datastores/workspaceblobstore/paths/churn-training/7/",
      },
      data: { dataType: "uri_folder" },
    });
  });

  it("run-canceled: the job model-registered.eventgrid.json started, cancelled, with its lineage", () => {
    const event = normalized("run-canceled.eventgrid.json");
    expect(event).toMatchObject({
      type: WATCHED_EVENT_TYPES.runCanceled,
      source: PLACEHOLDER_WORKSPACE_ID,
      subject:
        "experiments/model-validation/runs/validate-registered-model-8d47168fa97e3e804446d32a",
      run: {
        id: "validate-registered-model-8d47168fa97e3e804446d32a",
        experiment: "model-validation",
        status: "Canceled",
      },
      model: { name: "credit-risk", version: "3" },
    });
  });
});
