/**
 * The watcher's read cost: the real ARM workspace reader and watchWorkspace, in a process of their
 * own with the function's credential (DefaultAzureCredential through a local managed-identity
 * endpoint), against the HTTPS ARM stand-in here, for 10, 100 and 1,000 watched models of 3
 * versions each, watched as every model, by a glob, or by literal names.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SETTING_DEFAULTS } from "../../shared/constants";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { AZURE_VARIABLES } from "../support/azureEnv";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { makeLoopbackCertificate } from "../support/tlsCertificate";
import type { WatcherRunAnswer, WatcherRunRequest } from "./watcherWorker";

const WORKSPACE_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/bench-rg/providers/Microsoft.MachineLearningServices/workspaces/bench-ws";
const VERSIONS = 3;
/** The reader's own pace (armWorkspaceReader's default): what the computed times divide by. */
const PACED_READS_PER_SECOND = 20;
/** Fast enough that the stand-in's reads, not the pace, take the time being measured. */
const MEASURE_READS_PER_SECOND = 1_000_000;
// ARM's read bucket per principal (AZURE-FACTS §7).
const ARM_READS = { bucket: 250, perSecond: 25 };
// Once a minute (SETTING_DEFAULTS.watchSchedule), over a 30-day month.
const RUNS_PER_MONTH = 60 * 24 * 30;
const MAX_PASS_RUNS = 10;

type Shape = "every model" | "glob" | "literal names";
const SHAPES: Shape[] = ["every model", "glob", "literal names"];

const nameOf = (i: number) => `bench-model-${String(i).padStart(4, "0")}`;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const thousands = (n: number) => n.toLocaleString("en-US");

function whenModels(shape: Shape, names: string[]): (string | null)[] {
  if (shape === "every model") return [null];
  if (shape === "glob") return ["bench-model-*"];
  return names;
}

/** The watcher's process: one run per request, answered in order. */
interface WatcherProcess {
  run(request: WatcherRunRequest): Promise<WatcherRunAnswer>;
  stop(): void;
}

async function startWatcherProcess(env: NodeJS.ProcessEnv): Promise<WatcherProcess> {
  const child: ChildProcess = fork(join(__dirname, "watcherWorker.ts"), [], {
    execArgv: ["--import", "tsx"],
    cwd: join(__dirname, "..", ".."),
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const onExit = (code: number | null) => {
        reject(new Error(`the watcher process exited ${String(code)}`));
      };
      child.once("exit", onExit);
      child.once("message", (message) => {
        child.off("exit", onExit);
        resolve(message);
      });
    });
  await next();
  return {
    async run(request) {
      const answered = next();
      child.send(request);
      const message = (await answered) as { answer?: WatcherRunAnswer; error?: string };
      if (message.answer === undefined) throw new Error(message.error ?? "no answer");
      return message.answer;
    },
    stop() {
      child.kill();
    },
  };
}

/** One run as the stand-in saw it. */
interface Counted extends WatcherRunAnswer {
  requests: number;
  listingPages: number;
  versionReads: number;
  /** Models whose versions this run read. */
  read: Set<string>;
}

/** One case: its baseline, its first steady run, and how many runs one pass over every model took. */
interface CaseFigures {
  models: number;
  shape: Shape;
  pageSize: number;
  baseline: Counted;
  steady: Counted;
  runsPerPass: number;
}

const pacedSeconds = (reads: number) => reads / PACED_READS_PER_SECOND;
const armFloorSeconds = (reads: number) =>
  Math.max(0, reads - ARM_READS.bucket) / ARM_READS.perSecond;

async function runCase(
  arm: ArmStandIn,
  watcher: WatcherProcess,
  c: { models: number; shape: Shape; pageSize: number; check?: boolean },
): Promise<CaseFigures> {
  const names = Array.from({ length: c.models }, (_, i) => nameOf(i + 1));
  arm.models.clear();
  arm.pageSize = c.pageSize;
  const base = Date.parse("2026-01-01T00:00:00Z");
  for (const [i, name] of names.entries())
    for (let v = 1; v <= VERSIONS; v++)
      arm.models.set(`${name}/${v}`, {
        properties: { tags: { stage: v === VERSIONS ? "candidate" : "archived" } },
        createdAt: new Date(base + (i * VERSIONS + v) * 1000).toISOString(),
      });
  const stateDir = mkdtempSync(join(tmpdir(), "bench-watch-state-"));
  const request: WatcherRunRequest = {
    workspaceId: WORKSPACE_ID,
    armEndpoint: arm.endpoint,
    stateDir,
    models: whenModels(c.shape, names),
    readsPerSecond: MEASURE_READS_PER_SECOND,
    maxReads: SETTING_DEFAULTS.watchMaxReads,
  };
  const counted = async (): Promise<Counted> => {
    arm.requests.length = 0;
    const answer = await watcher.run(request);
    const read = new Set<string>();
    let listingPages = 0;
    for (const r of arm.requests) {
      const versions = /\/models\/([^/]+)\/versions$/.exec(r.path);
      if (versions) read.add(decodeURIComponent(versions[1] ?? ""));
      else if (r.path.endsWith("/models")) listingPages += 1;
    }
    const requests = arm.requests.length;
    if (requests !== answer.reads)
      throw new Error(`the stand-in saw ${requests} requests, the reader counted ${answer.reads}`);
    return { ...answer, requests, listingPages, versionReads: requests - listingPages, read };
  };
  try {
    const baseline = await counted();
    const covered = new Set(baseline.read);
    const steady = await counted();
    if (baseline.emitted !== 0 || steady.emitted !== 0)
      throw new Error(`${c.models} ${c.shape}: nothing changed, yet the watcher emitted`);
    let runsPerPass = 1;
    let next: Counted | undefined = steady;
    while (covered.size < names.length) {
      next ??= await counted();
      for (const name of next.read) covered.add(name);
      next = undefined;
      runsPerPass += 1;
      if (runsPerPass > MAX_PASS_RUNS)
        throw new Error(`${c.models} ${c.shape}: no full pass in ${MAX_PASS_RUNS} runs`);
    }
    if (c.check === true) {
      // The bench watches what it claims to: one tag edit is one event.
      const key = `${names[0] ?? ""}/${VERSIONS}`;
      arm.models.set(key, {
        properties: { tags: { stage: "candidate", approved: "true" } },
        createdAt: arm.models.systemData(key).createdAt,
      });
      const changed = await counted();
      if (changed.emitted !== 1)
        throw new Error(`${c.shape}: one tag edit emitted ${changed.emitted} events, not 1`);
    }
    return { ...c, baseline, steady, runsPerPass };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Prints the watcher's read cost per run: `npm run bench -- --watcher-only`. */
export async function watcherReport(say: (line: string) => void): Promise<void> {
  const started = Date.now();
  const tls = makeLoopbackCertificate("bench-watcher-tls-");
  process.env.TEST_TLS_KEY = tls.key;
  process.env.TEST_TLS_CERT = tls.cert;
  let arm: ArmStandIn | undefined;
  let identity: IdentityEndpoint | undefined;
  let watcher: WatcherProcess | undefined;
  try {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !AZURE_VARIABLES.includes(name)),
    );
    Object.assign(env, {
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
      NODE_EXTRA_CA_CERTS: tls.cert,
    });
    watcher = await startWatcherProcess(env);
    // Warm-up: loading @azure/identity and the first token are not a run's cost.
    await runCase(arm, watcher, { models: 10, shape: "every model", pageSize: 1000 });

    const cases: CaseFigures[] = [];
    for (const pageSize of [1000, 100])
      for (const models of [10, 100, 1000])
        for (const shape of SHAPES)
          cases.push(
            await runCase(arm, watcher, { models, shape, pageSize, check: models === 10 }),
          );

    say(
      `| models × shape | list page | run | ARM reads (stand-in requests): listing pages + version reads | unread | wall time at ${thousands(MEASURE_READS_PER_SECOND)} reads/s | paced at ${PACED_READS_PER_SECOND}/s, computed (reads / ${PACED_READS_PER_SECOND}) | state |`,
    );
    say(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
    for (const f of cases)
      for (const [run, r] of [
        ["baseline", f.baseline],
        ["steady", f.steady],
      ] as const)
        say(
          `| ${thousands(f.models)} × ${f.shape} | ${f.pageSize} | ${run} | ${thousands(r.requests)}: ${r.listingPages} + ${thousands(r.versionReads)} | ${r.unread} | ${round(r.wallMs / 1000, 2)} s | ${round(pacedSeconds(r.requests))} s | ${thousands(Math.round(r.stateBytes / 1024))} KB |`,
        );

    say("");
    say(
      `| models × shape (list page 100) | reads per run | runs per full pass (WATCH_MAX_READS ${SETTING_DEFAULTS.watchMaxReads}) | paced time per run, computed | ARM's floor for those reads (${ARM_READS.bucket} + ${ARM_READS.perSecond}/s), computed | reads a month at once a minute, computed |`,
    );
    say(`| --- | --- | --- | --- | --- | --- |`);
    for (const f of cases.filter((c) => c.pageSize === 100))
      say(
        `| ${thousands(f.models)} × ${f.shape} | ${thousands(f.steady.requests)} | ${f.runsPerPass} | ${round(pacedSeconds(f.steady.requests))} s | ${round(armFloorSeconds(f.steady.requests))} s | ${thousands(f.steady.requests * RUNS_PER_MONTH)} |`,
      );

    // One run at the reader's own pace, to check the computed times against a measured one.
    const pacedCase = { models: 100, shape: "literal names" as Shape, pageSize: 100 };
    const names = Array.from({ length: pacedCase.models }, (_, i) => nameOf(i + 1));
    const stateDir = mkdtempSync(join(tmpdir(), "bench-watch-paced-"));
    const request: WatcherRunRequest = {
      workspaceId: WORKSPACE_ID,
      armEndpoint: arm.endpoint,
      stateDir,
      models: whenModels(pacedCase.shape, names),
      maxReads: SETTING_DEFAULTS.watchMaxReads,
    };
    arm.models.clear();
    for (const name of names)
      for (let v = 1; v <= VERSIONS; v++) arm.models.set(`${name}/${v}`, { properties: {} });
    await watcher.run({ ...request, readsPerSecond: MEASURE_READS_PER_SECOND });
    arm.requests.length = 0;
    const paced = await watcher.run(request);
    rmSync(stateDir, { recursive: true, force: true });
    say("");
    say(
      `paced check: ${pacedCase.models} × ${pacedCase.shape}, steady run at the reader's default ${PACED_READS_PER_SECOND}/s: ${arm.requests.length} reads in ${round(paced.wallMs / 1000, 2)} s measured; computed ${round(pacedSeconds(arm.requests.length), 2)} s`,
    );
    say(
      `token requests to the managed-identity endpoint over every run: ${identity.requests.length}`,
    );
    const full = cases.find(
      (c) => c.models === 1000 && c.shape === "every model" && c.pageSize === 100,
    );
    say(
      `watcher: reads_1000_all_p100=${full?.steady.requests ?? "?"} runs_per_pass_1000_all_p100=${full?.runsPerPass ?? "?"} paced_check_s=${round(paced.wallMs / 1000, 2)} bench_s=${round((Date.now() - started) / 1000, 0)}`,
    );
  } finally {
    watcher?.stop();
    await Promise.all([arm?.close(), identity?.close()]);
    rmSync(tls.dir, { recursive: true, force: true });
  }
}
