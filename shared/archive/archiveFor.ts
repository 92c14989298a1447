import type { TokenCredential } from "@azure/core-auth";

import { blobServiceFor, blobServiceLocation } from "../rejections/blobRejectionStore";
import type { Settings } from "../settings";
import { createBlobEventArchive } from "./blobEventArchive";
import type { EventArchive } from "./eventArchive";
import { createFolderEventArchive } from "./folderEventArchive";

/** The archive for these settings: the host's Blob Storage when it has one (as the rejections), else ARCHIVE_DIR. */
export function createEventArchive(settings: Settings, credential: TokenCredential): EventArchive {
  const store = settings.rejectionStore;
  return store.kind === "folder"
    ? createFolderEventArchive(settings.archiveDir)
    : createBlobEventArchive(() => blobServiceFor(store, credential), blobServiceLocation(store));
}
