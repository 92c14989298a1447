import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { watchWorkflows, type WorkflowsWatch } from "../../scripts/localHost/watchWorkflows";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

type Report =
  { valid: true; names: string[]; pipelines: string } | { valid: false; message: string };

const config = (name: string, pipeline = "pipelines/p.yml") =>
  `workflows:\n  - name: ${name}\n    on: Microsoft.MachineLearningServices.ModelRegistered\n    pipeline: ${pipeline}\n`;

// Generous: the watcher waits 250 ms for writes to settle, and a loaded CI machine is slow.
const WAIT_MS = 10_000;

/** What a save by `sed -i`, vim or `git checkout` does: write a new file, rename it over the old. */
function replaceByRename(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const open: WorkflowsWatch[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const watch of open.splice(0)) watch.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Starts a watch and returns a way to wait for the next report that matches. */
function watching(file: string) {
  const reports: Report[] = [];
  let heard: () => void = () => undefined;
  open.push(
    watchWorkflows(file, {
      onValid(loaded) {
        reports.push({
          valid: true,
          names: loaded.workflows.map((w) => w.name),
          pipelines: JSON.stringify(loaded.compiled.pipelines),
        });
        heard();
      },
      onInvalid(error) {
        reports.push({ valid: false, message: error.message });
        heard();
      },
    }),
  );
  let read = 0;
  /** Resolves with the first report after the last one matched that fits; fails after WAIT_MS. */
  const next = (fits: (report: Report) => boolean, what: string) =>
    new Promise<Report>((resolve, reject) => {
      const timeout = setTimeout(() => {
        heard = () => undefined;
        reject(new Error(`no report of ${what} in ${WAIT_MS} ms; got ${JSON.stringify(reports)}`));
      }, WAIT_MS);
      heard = () => {
        while (read < reports.length) {
          const report = reports[read++] as Report;
          if (!fits(report)) continue;
          clearTimeout(timeout);
          heard = () => undefined;
          resolve(report);
          return;
        }
      };
      heard();
    });
  const validNamed = (name: string) =>
    next((r) => r.valid && r.names.includes(name), `a valid config with ${name}`);
  return { reports, next, validNamed };
}

function tempWorkflows(): string {
  const file = writeConfig({
    "workflows.yaml": config("wf-one"),
    "pipelines/p.yml": MINIMAL_PIPELINE,
  });
  folders.push(dirname(file));
  return file;
}

describe("watchWorkflows", () => {
  it("reports each of three saves that rename a new file over the config", async () => {
    const file = tempWorkflows();
    const { validNamed } = watching(file);
    for (const name of ["wf-two", "wf-three", "wf-four"]) {
      replaceByRename(file, config(name));
      await validNamed(name);
    }
  }, 40_000);

  it("reports a config deleted and created again at once as one valid change", async () => {
    const file = tempWorkflows();
    const { reports, validNamed } = watching(file);
    for (const name of ["wf-two", "wf-three"]) {
      unlinkSync(file);
      writeFileSync(file, config(name));
      await validNamed(name);
    }
    expect(reports.filter((r) => !r.valid)).toEqual([]);
  }, 30_000);

  it("says a deleted config is gone when it does not come back, and sees it when it does", async () => {
    const file = tempWorkflows();
    const { next, validNamed } = watching(file);
    unlinkSync(file);
    const gone = await next((r) => !r.valid, "the deleted config");
    expect(gone.valid ? "" : gone.message).toMatch(/workflows\.yaml: file not found/);
    writeFileSync(file, config("wf-back"));
    await validNamed("wf-back");
    replaceByRename(file, config("wf-again"));
    await validNamed("wf-again");
  }, 40_000);

  it("still sees in-place writes after a save that renamed over the config", async () => {
    const file = tempWorkflows();
    const { validNamed } = watching(file);
    replaceByRename(file, config("wf-renamed"));
    await validNamed("wf-renamed");
    writeFileSync(file, config("wf-in-place"));
    await validNamed("wf-in-place");
    writeFileSync(file, config("wf-in-place-again"));
    await validNamed("wf-in-place-again");
  }, 40_000);

  it("sees a pipeline in a subfolder replaced by rename, every time", async () => {
    const file = tempWorkflows();
    const pipeline = join(dirname(file), "pipelines", "p.yml");
    const { next } = watching(file);
    for (const compute of ["gpu-cluster", "big-cluster", "cpu-cluster"]) {
      replaceByRename(pipeline, MINIMAL_PIPELINE.replace("cpu-cluster", compute));
      await next(
        (r) => r.valid && r.pipelines.includes(`computes/${compute}`),
        `the pipeline on ${compute}`,
      );
    }
  }, 40_000);

  it("watches a folder made after the start, and a pipelines folder replaced as a whole", async () => {
    const file = tempWorkflows();
    const root = dirname(file);
    const { next, validNamed } = watching(file);
    mkdirSync(join(root, "more"));
    writeFileSync(join(root, "more", "q.yml"), MINIMAL_PIPELINE);
    replaceByRename(file, config("wf-more", "more/q.yml"));
    await validNamed("wf-more");
    replaceByRename(join(root, "more", "q.yml"), MINIMAL_PIPELINE.replace("cpu-", "new-"));
    await next(
      (r) => r.valid && r.pipelines.includes("computes/new-cluster"),
      "more/q.yml changed",
    );

    mkdirSync(join(root, "next"));
    writeFileSync(join(root, "next", "q.yml"), MINIMAL_PIPELINE.replace("cpu-", "next-"));
    renameSync(join(root, "more"), join(root, "old"));
    renameSync(join(root, "next"), join(root, "more"));
    await next((r) => r.valid && r.pipelines.includes("computes/next-cluster"), "more/ replaced");
    rmSync(join(root, "old"), { recursive: true });
    writeFileSync(join(root, "more", "q.yml"), MINIMAL_PIPELINE.replace("cpu-", "last-"));
    await next((r) => r.valid && r.pipelines.includes("computes/last-cluster"), "the new more/");
  }, 40_000);

  it("keeps reporting an invalid save, and a fixed one after it", async () => {
    const file = tempWorkflows();
    const { next, validNamed } = watching(file);
    replaceByRename(file, config("Bad_Name"));
    const bad = await next((r) => !r.valid, "the invalid config");
    expect(bad.valid ? "" : bad.message).toMatch(/workflows\[0\]\.name: must be 1-63 lowercase/);
    replaceByRename(file, config("wf-fixed"));
    await validNamed("wf-fixed");
  }, 30_000);
});
