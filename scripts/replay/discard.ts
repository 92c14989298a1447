import { DefaultAzureCredential } from "@azure/identity";

import { printable } from "../../shared/core/printable";
import { settingsOrThrow } from "../../shared/core/runtime";
import {
  blobServiceFor,
  blobServiceLocation,
  createBlobRejectionDiscarder,
} from "../../shared/rejections/blobRejectionStore";
import { createFolderRejectionDiscarder } from "../../shared/rejections/folderRejectionStore";
import {
  type EntryToDiscard,
  readStoredRejection,
  type RejectionDiscarder,
} from "../../shared/rejections/rejectionStore";
import { EXIT } from "../cli/runCommand";
import { discardedBy } from "./discardedBy";

/** The entry an id names: as `replay` prints it, or with the store's location before it, as `status` prints it. */
export function entryNameOf(id: string, location: string): string {
  const name = id.trim();
  return name.startsWith(`${location}/`) ? name.slice(location.length + 1) : name;
}

function describeEntry(entry: EntryToDiscard): string {
  const stored = readStoredRejection(entry.name, entry.text);
  if (!("rejection" in stored)) return `an entry that cannot be read (${stored.corrupt})`;
  const r = stored.rejection;
  return printable(
    `event ${r.eventId ?? "<no id>"}${r.workflow === null ? "" : ` for workflow ${r.workflow}`}, rejected at ${r.time}: ${r.reason}`,
    300,
  );
}

/**
 * `replay --discard`: every id is looked up first, and one that names no entry stops the whole
 * discard (exit 1, nothing dropped). Then each entry is kept as an audit copy and removed.
 */
export async function discardEntries(
  discarder: RejectionDiscarder,
  ids: readonly string[],
  options: {
    dryRun: boolean;
    by: () => Promise<string>;
    say: (line: string) => void;
    warn: (line: string) => void;
  },
): Promise<number> {
  const { say, warn } = options;
  const found = new Map<string, EntryToDiscard>();
  const unknown: string[] = [];
  for (const id of ids) {
    const name = entryNameOf(id, discarder.location);
    if (found.has(name)) continue;
    const entry = await discarder.read(name);
    if (entry === undefined) unknown.push(id);
    else found.set(name, entry);
  }
  if (unknown.length > 0) {
    for (const id of unknown) warn(printable(`${id}: no such rejection in ${discarder.location}`));
    warn(
      `discard: nothing was discarded. An id is an entry's name as \`amlwf status\` and \`amlwf replay --dry-run\` print it: <event id>-<hash>/<workflow>.json`,
    );
    return EXIT.failed;
  }
  if (options.dryRun) {
    for (const entry of found.values())
      say(`${entry.name}: would discard — ${describeEntry(entry)}`);
    say(`discard (dry run): would discard ${found.size}. Nothing was changed.`);
    return EXIT.ok;
  }
  const audit = { by: await options.by(), at: new Date().toISOString() };
  let discarded = 0;
  let changed = 0;
  for (const entry of found.values()) {
    const result = await discarder.discard(entry, audit);
    if (result.kind === "discarded") {
      discarded += 1;
      say(`${entry.name}: discarded — ${describeEntry(entry)}; kept as ${result.keptAs}`);
    } else {
      changed += 1;
      say(
        `${entry.name}: changed since it was read (rejected again, or replayed), not discarded — look at it again, then discard it again`,
      );
    }
  }
  say(
    `discard: discarded=${discarded} changed=${changed} by ${printable(audit.by)} at ${audit.at}`,
  );
  return changed > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * `amlwf replay --discard <id>...`: in the store the function's settings name (no workflows
 * needed), as the caller: DefaultAzureCredential with an identity-based storage setting.
 */
export function discardRejections(ids: readonly string[], dryRun: boolean): Promise<number> {
  const store = settingsOrThrow(process.env).rejectionStore;
  const credential = store.kind === "blob-identity" ? new DefaultAzureCredential() : undefined;
  const discarder =
    store.kind === "folder"
      ? createFolderRejectionDiscarder(store.dir)
      : createBlobRejectionDiscarder(
          blobServiceFor(store, credential ?? new DefaultAzureCredential()),
          blobServiceLocation(store),
        );
  process.stderr.write(`discarding from ${discarder.location}\n`);
  return discardEntries(discarder, ids, {
    dryRun,
    by: () => discardedBy(credential),
    say: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  });
}
