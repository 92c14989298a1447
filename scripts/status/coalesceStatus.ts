import type { BlobServiceClient } from "@azure/storage-blob";

import { createBlobSupersededStore } from "../../shared/coalesce/blobSupersededStore";
import type { CoalesceState, WindowMember } from "../../shared/coalesce/coalesceState";
import { parseCoalesceState } from "../../shared/coalesce/coalesceStateStore";
import type { SupersededRecord, SupersededStore } from "../../shared/coalesce/supersededStore";
import { STORAGE_CONTAINERS } from "../../shared/constants";
import { errorMessage } from "../../shared/errors";
import {
  createGuardedBlobDocuments,
  type GuardedDocuments,
} from "../../shared/storage/guardedBlobDocuments";
import { matchesFilter, type StatusFilter } from "./statusFilter";

/** An event a coalescing window superseded, and where its record is. */
export interface SupersededStatus extends SupersededRecord {
  where: string;
}

/** A coalescing window not closed yet: the events it holds for its one job. */
export interface WindowStatus {
  workflow: string;
  key: string;
  window: string;
  openedAt: string;
  closesAt: string;
  /** Set once a closer took the window; a window that stays so is stuck submitting its job. */
  closingSince?: string;
  members: WindowMember[];
  /** The member its job runs on, as things stand (its event id). */
  latest: string;
  where: string;
}

/** A stored coalescing state, or why it does not read: a storage failure throws instead. */
export type ReadState = { state: CoalesceState } | { corrupt: string };

/** Where `status` reads what coalescing did: the superseded records and the open windows. */
export interface CoalesceSources {
  superseded: SupersededStore;
  states: GuardedDocuments<ReadState>;
}

/** The coalescing records in the host storage the blob service `service` reaches. */
export function coalesceSources(
  service: () => BlobServiceClient,
  location: string,
): CoalesceSources {
  const readState = (text: string, where: string): ReadState => {
    try {
      return { state: parseCoalesceState(text, where) };
    } catch (error) {
      return { corrupt: errorMessage(error) };
    }
  };
  return {
    superseded: createBlobSupersededStore(service, location),
    states: createGuardedBlobDocuments(
      service,
      location,
      STORAGE_CONTAINERS.coalesceState,
      readState,
    ),
  };
}

/** What coalescing did for the events the filter names, and how much was looked at. */
export interface CoalesceStatus {
  superseded: SupersededStatus[];
  windows: WindowStatus[];
  looked: { superseded: number; windows: number; unreadable: number };
}

/** The superseded events and the open windows that hold a matching event. */
export async function collectCoalescing(
  filter: StatusFilter,
  sources: CoalesceSources,
): Promise<CoalesceStatus> {
  const found: CoalesceStatus = {
    superseded: [],
    windows: [],
    looked: { superseded: 0, windows: 0, unreadable: 0 },
  };
  for await (const entry of sources.superseded.list()) {
    found.looked.superseded += 1;
    if ("corrupt" in entry) {
      found.looked.unreadable += 1;
      continue;
    }
    const { record } = entry;
    if (matchesFilter(filter, { ...record, time: record.closedAt }))
      found.superseded.push({ ...record, where: `${sources.superseded.location}/${entry.name}` });
  }
  for await (const name of sources.states.names()) {
    const read = await sources.states.read(name);
    // Its last window closed since the listing: nothing is held there any more.
    if (read === undefined) continue;
    if ("corrupt" in read.value) {
      found.looked.unreadable += 1;
      continue;
    }
    const { state } = read.value;
    for (const w of state.windows) {
      found.looked.windows += 1;
      const held = w.members.some((m) =>
        matchesFilter(filter, { ...m, workflow: state.workflow, time: m.receivedAt }),
      );
      if (!held) continue;
      found.windows.push({
        workflow: state.workflow,
        key: state.key,
        window: w.id,
        openedAt: w.openedAt,
        closesAt: w.closesAt,
        ...(w.closingSince === undefined ? {} : { closingSince: w.closingSince }),
        members: w.members,
        latest: w.latest.eventId,
        where: `${sources.states.location}/${name}`,
      });
    }
  }
  found.superseded.sort(
    (a, b) => a.closedAt.localeCompare(b.closedAt) || a.eventId.localeCompare(b.eventId),
  );
  found.windows.sort((a, b) => a.closesAt.localeCompare(b.closesAt));
  return found;
}
