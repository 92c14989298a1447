import { resolve } from "node:path";

import { lazyDefaultAzureCredential } from "../../shared/aml/lazyCredential";
import { createRuntime, settingsOrThrow } from "../../shared/core/runtime";
import type { Settings } from "../../shared/settings";
import { EXIT, UsageError } from "../cli/runCommand";
import { explainStorageError } from "../cli/storageReachable";
import { toolConfig } from "../cli/toolConfig";
import { createArmClient } from "../register/armClient";
import { dryRunJobs, type JobStatus, workspaceJobs } from "../status/collectStatus";
import { type Backtest, backtestText } from "./backtestText";
import { compareHistory } from "./compareHistory";
import { windowFromOptions } from "./windowOptions";

/** The options `plan --backtest` reads. */
export interface BacktestValues {
  since?: string;
  until?: string;
  workflows?: string;
  json?: boolean;
}

/** What actually happened: the jobs with this project's lineage in every served workspace, or the dry run's requests. */
function lineageJobs(settings: Settings): { jobs: () => AsyncIterable<JobStatus>; from: string } {
  const { target } = settings;
  if (target.kind === "dry-run")
    return { jobs: () => dryRunJobs(target.dir), from: `the dry-run folder ${target.dir}` };
  const served = [target.workspace, ...target.others];
  const arm = createArmClient(settings.armEndpoint, lazyDefaultAzureCredential());
  return {
    jobs: async function* () {
      for (const workspace of served) yield* workspaceJobs(arm, settings.armEndpoint, workspace);
    },
    from: `workspace${served.length > 1 ? "s" : ""} ${served.map((w) => w.name).join(", ")}`,
  };
}

/**
 * `amlwf plan --backtest`: plans every event the archive holds for the window with the given
 * workflows (nothing sent, no label looked up) and compares with the jobs that exist.
 */
export async function runBacktest(values: BacktestValues): Promise<number> {
  const window = windowFromOptions(values, Date.now(), "plan --backtest");
  const settings = settingsOrThrow();
  const config = toolConfig(
    values.workflows === undefined ? settings.workflowsFile : resolve(values.workflows),
  );
  const runtime = createRuntime(settings, config);
  const { jobs, from } = lineageJobs(settings);
  const comparison = await compareHistory(
    runtime.archive.read(window.since, window.until),
    (raw) => runtime.plan(raw),
    jobs,
    config.workflows.map((w) => w.name),
  ).catch((error: unknown) => {
    throw explainStorageError(error);
  });
  const report: Backtest = {
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    archive: runtime.archive.location,
    workflowsFile: config.file,
    jobsFrom: from,
    ...comparison,
  };
  process.stdout.write(
    values.json === true
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${backtestText(report).join("\n")}\n`,
  );
  return EXIT.ok;
}

/** Event files and event-building flags given beside `--backtest`: a usage error naming the first. */
export function refuseEventsBeside(
  positionals: readonly string[],
  given: Record<string, unknown>,
): void {
  const first = positionals[0];
  if (first !== undefined)
    throw new UsageError(
      `--backtest plans the archived events: it takes no events file ("${first}")`,
    );
  const flag = Object.entries(given).find(([, v]) => v !== undefined)?.[0];
  if (flag !== undefined)
    throw new UsageError(`--backtest plans the archived events: it takes no --${flag}`);
}
