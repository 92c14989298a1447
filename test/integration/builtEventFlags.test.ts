import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { SETTING_NAMES } from "../../shared/constants";
import { runScript } from "../support/runScript";

const ACCOUNT =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/landingdata";

/** Settings of the test's own: a dry-run folder, nothing of the developer's (EVENT_SOURCES unset unless given). */
function ownSettings(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    [SETTING_NAMES.dryRunDir]: mkdtempSync(join(tmpdir(), "built-flags-dry-")),
    [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "built-flags-rejected-")),
    [SETTING_NAMES.eventSources]: undefined,
    ...extra,
  };
}

const FLAGS = [
  "--tags-changed",
  "churn:3",
  "--tag",
  "approved=true",
  "--data-version",
  "churn-training:7",
  "--blob",
  "landing/churn/2026-12-06.csv",
];

describe("send-event and plan build the watcher's and Azure Storage's events from flags", () => {
  it("send-event --print builds them, --blob from the first storage account in EVENT_SOURCES; plan takes them back", async () => {
    const env = ownSettings({ [SETTING_NAMES.eventSources]: ACCOUNT });
    const printed = await runScript("sendEvent.ts", ["--print", ...FLAGS], env);
    expect(printed.stderr).toBe("");
    expect(printed.status).toBe(0);
    const events = JSON.parse(printed.stdout) as Record<string, unknown>[];
    expect(events.map((e) => [e.eventType, e.subject])).toEqual([
      ["AmlEventWorkflows.ModelTagsChanged", "models/churn:3"],
      ["AmlEventWorkflows.DataVersionCreated", "data/churn-training:7"],
      [
        "Microsoft.Storage.BlobCreated",
        "/blobServices/default/containers/landing/blobs/churn/2026-12-06.csv",
      ],
    ]);
    expect(events[0]).toMatchObject({ data: { modelTags: { approved: "true" } } });
    expect(events[2]).toMatchObject({
      topic: ACCOUNT,
      data: { url: "https://landingdata.blob.core.windows.net/landing/churn/2026-12-06.csv" },
    });

    const file = join(mkdtempSync(join(tmpdir(), "built-flags-")), "e.json");
    writeFileSync(file, printed.stdout);
    const plan = await runScript("plan.ts", ["--json", file], env);
    expect(plan.stderr).toBe("");
    const planned = JSON.parse(plan.stdout) as { file: string; event: string }[];
    expect(planned.map((e) => e.event)).toEqual(events.map((e) => e.id));
  });

  it("plan names each built event by the flag that built it", async () => {
    const { stdout, stderr } = await runScript("plan.ts", ["--json", ...FLAGS], ownSettings());
    expect(stderr).toBe("");
    expect((JSON.parse(stdout) as { file: string }[]).map((e) => e.file)).toEqual([
      "--tags-changed churn:3",
      "--data-version churn-training:7",
      "--blob landing/churn/2026-12-06.csv",
    ]);
  });

  it.each([["plan.ts"], ["sendEvent.ts"]])("%s --help lists the new flags", async (script) => {
    const { status, stdout } = await runScript(script, ["--help"], ownSettings());
    expect(status).toBe(0);
    for (const flag of ["--tags-changed", "--data-version", "--data-uri", "--blob", "--account"])
      expect(stdout).toContain(flag);
  });

  it("a bad --blob is a usage error naming it, exit 2", async () => {
    const { status, stdout, stderr } = await runScript(
      "sendEvent.ts",
      ["--print", "--blob", "Landing/a.csv"],
      ownSettings(),
    );
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^--blob "Landing\/a\.csv": container "Landing" is not a container name/,
    );
  });
});
