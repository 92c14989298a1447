import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { azuriteConnectionString } from "../../scripts/cli/azuriteStorage";
import { toolRuntime } from "../../scripts/cli/toolConfig";
import type { ArchivedEvent, ArchiveLine } from "../../shared/archive/eventArchive";
import { HOST_STORAGE_SETTINGS, SETTING_NAMES } from "../../shared/constants";
import { TransientError } from "../../shared/errors";
import { handlerWith } from "../support/functionModule";
import { capturingContext } from "../support/invocation";
import { EXAMPLE_WORKFLOWS, sampleEvent } from "../support/samples";
import { freePorts } from "../support/startedHost";

const temp = (name: string) => mkdtempSync(join(tmpdir(), `${name}-`));

function runtimeWith(settings: Record<string, string> = {}) {
  const dirs = {
    [SETTING_NAMES.dryRunDir]: join(temp("rt-dry-run"), "requests"),
    [SETTING_NAMES.rejectedDir]: temp("rt-rejected"),
    [SETTING_NAMES.archiveDir]: temp("rt-archive"),
  };
  const runtime = toolRuntime({
    [SETTING_NAMES.workflowsFile]: EXAMPLE_WORKFLOWS,
    ...dirs,
    ...settings,
  });
  return { runtime, dirs };
}

async function archived(runtime: ReturnType<typeof toolRuntime>): Promise<ArchivedEvent[]> {
  const lines: ArchiveLine[] = [];
  for await (const line of runtime.archive.read(
    new Date(Date.now() - 3_600_000),
    new Date(Date.now() + 60_000),
  ))
    lines.push(line);
  return lines.filter((l): l is ArchivedEvent => !("corrupt" in l));
}

describe("the runtime archives every event it processes, before matching it", () => {
  it("archives a submitted, an ignored and a rejected event, each as it arrived", async () => {
    const { runtime, dirs } = runtimeWith();
    const events = [
      sampleEvent("model-registered.eventgrid.json"),
      sampleEvent("run-status-changed.eventgrid.json"),
      sampleEvent("malformed.eventgrid.json"),
    ];
    const kinds = [];
    for (const raw of events) kinds.push((await runtime.process(raw)).kind);
    expect(kinds).toEqual(["processed", "ignored", "rejected"]);
    const kept = await archived(runtime);
    expect(kept.map((entry) => entry.event)).toEqual(events);
    for (const entry of kept)
      expect(Date.now() - Date.parse(entry.receivedAt)).toBeLessThan(60_000);
    expect(runtime.archive.location).toBe(dirs[SETTING_NAMES.archiveDir]);
  });

  it("has the event archived before anything is submitted: a submission that fails leaves it archived", async () => {
    const { runtime, dirs } = runtimeWith();
    // The dry run's folder cannot be made (a file is in its place): the submission fails.
    writeFileSync(dirs[SETTING_NAMES.dryRunDir], "not a folder");
    const raw = sampleEvent("model-registered.eventgrid.json");
    await expect(runtime.process(raw)).rejects.toThrow();
    expect((await archived(runtime)).map((entry) => entry.event)).toEqual([raw]);
  });

  it("hands the event back (a TransientError naming the archive) when the archive cannot be written, and does nothing else", async () => {
    // The host's storage is an Azurite whose port nothing listens on.
    const [closed = 1] = await freePorts(1);
    const dryRunDir = temp("rt-closed-dry-run");
    const handler = handlerWith({
      [HOST_STORAGE_SETTINGS.connectionString]: azuriteConnectionString({
        blob: closed,
        queue: closed,
        table: closed,
      }),
      [SETTING_NAMES.dryRunDir]: dryRunDir,
    });
    const { context } = capturingContext();
    let failure: unknown;
    try {
      await handler(sampleEvent("model-registered.eventgrid.json"), context);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(TransientError);
    expect(String(failure)).toMatch(
      new RegExp(
        `cannot archive the event in http://127\\.0\\.0\\.1:${closed}/devstoreaccount1/event-archive, so it is handed back for redelivery`,
      ),
    );
    // Nothing was planned or submitted: Event Grid delivers it again.
    expect(existsSync(dryRunDir) ? readdirSync(dryRunDir) : []).toEqual([]);
  }, 20_000);
});
