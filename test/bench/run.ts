/**
 * `npm run bench [-- --quick] [--corpus <folder>]`: cold start against the official SDK, load time against bare Node,
 * throughput, latency, memory and connection/token reuse, the watcher's read cost, on this machine, in one run.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { configFilesIn } from "../../scripts/cli/configFiles";
import { buildFunctionPackage } from "../../scripts/packaging/buildPackage";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { AssetCollector } from "../../shared/compile/pipeline/components";
import { loadPipeline } from "../../shared/compile/pipeline/loadPipeline";
import {
  compileWorkflows,
  loadWorkflowsOrThrow,
} from "../../shared/compile/workflows/loadWorkflows";
import { planEvent } from "../../shared/core/planEvent";
import { type BurstFigures, burstLine, type BurstOptions } from "../support/burstFigures";
import { runFleet } from "../support/fleet";
import { EXAMPLE_WORKFLOWS } from "../support/samples";
import { makeLoopbackCertificate } from "../support/tlsCertificate";
import { watcherReport } from "./watcherBench";

const quick = process.argv.includes("--quick");
// `--burst-only`: just the fleet's bursts against ARM's throttling.
const onlyBurst = process.argv.includes("--burst-only");
// `--watcher-only`: just the watcher's ARM reads per run for 10, 100 and 1,000 watched models.
const onlyWatcher = process.argv.includes("--watcher-only");
// `--fixed-split`: also the pacing this replaced (each instance a fixed 1/40 of the bucket), for comparison.
const fixedSplit = process.argv.includes("--fixed-split");
// `--corpus <folder>`: also time compiling every pipeline job file in that folder (e.g. a clone of
// Azure/azureml-examples' cli/), the work `validate`, `plan` and `npm start` do before any event.
const corpusAt = process.argv.indexOf("--corpus");
const corpus = corpusAt >= 0 ? process.argv[corpusAt + 1] : undefined;

function compileCorpus(dir: string): {
  files: number;
  accepted: number;
  ms: number;
  slowestMs: number;
} {
  const pipelines = configFilesIn([dir]).filter((f) => f.kind === "pipeline");
  let accepted = 0;
  let slowestMs = 0;
  const started = performance.now();
  for (const { file } of pipelines) {
    const one = performance.now();
    if (loadPipeline(file, file, new AssetCollector("/")).ok) accepted += 1;
    slowestMs = Math.max(slowestMs, performance.now() - one);
  }
  return { files: pipelines.length, accepted, ms: performance.now() - started, slowestMs };
}
const root = join(__dirname, "..", "..");
const TSX = join(root, "node_modules", "tsx", "dist", "cli.mjs");
const WORKSPACE_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/bench-rg/providers/Microsoft.MachineLearningServices/workspaces/bench-ws";
const COLD_RUNS = quick ? 10 : 20;

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const say = (line: string) => process.stdout.write(`${line}\n`);

function firstLine(
  child: ChildProcessWithoutNullStreams,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      reject(new Error(`timed out waiting for ${String(pattern)}\n${out}\n${err}`));
    }, timeoutMs);
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!pattern.test(out))
        reject(new Error(`exited ${code ?? "?"} before ${String(pattern)}:\n${out}\n${err}`));
    });
  });
}

/**
 * Instructions one `node -e program` run executes until it exits, counted by valgrind's callgrind
 * (V8 single-threaded, so compilation and GC are counted in line); undefined where valgrind is not installed.
 */
function coldInstructions(program: string, env: NodeJS.ProcessEnv): number | undefined {
  const run = spawnSync(
    "valgrind",
    [
      "--tool=callgrind",
      "--callgrind-out-file=/dev/null",
      process.execPath,
      "--single-threaded",
      "-e",
      program,
    ],
    { cwd: root, env, encoding: "utf8", timeout: 600_000 },
  );
  if (run.error) return undefined;
  const collected = /Collected : (\d+)/.exec(run.stderr);
  if (!collected || !run.stdout.includes("done"))
    throw new Error(`the cold start under callgrind did not complete:\n${run.stderr.slice(-2000)}`);
  return Number(collected[1]);
}

/** Milliseconds from spawning `node -e program` to its "done" line (the process is then stopped). */
async function timeToDone(program: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", program], { cwd: root, env });
  await firstLine(child, /done/);
  const elapsed = performance.now() - started;
  child.kill();
  return elapsed;
}

/** One fleet case: instances, events, and whether it replays the old fixed split instead of reading ARM's headers. */
interface FleetCase {
  instances: number;
  events: number;
  fixedSplit: boolean;
}

// ARM's write bucket (200 tokens, 10/s; AZURE-FACTS §7), or scaled 10× in rate for `--quick`.
const FLEET_ARM = quick ? { bucket: 200, perSecond: 100 } : { bucket: 200, perSecond: 10 };
// The old pacing gave each instance 1/40 of the bucket whatever the fleet's size.
const SPLIT_INSTANCES = 40;

/**
 * A burst through N function instances, each its own process running the local host, the real
 * handler and ARM client, all on one ARM stand-in that throttles writes as ARM does and says what is
 * left (`x-ms-ratelimit-remaining-subscription-writes`). Event Grid modelled with the deployed
 * delivery defaults (batch 1, 30 attempts), its retry waits compressed 10× (1 s, 3 s, 6 s, 30 s,
 * 60 s for its 10 s, 30 s, 1 min, 5 min, 10 min), 100 deliveries in flight, 1 % duplicates.
 */
async function fleetFigures(c: FleetCase): Promise<BurstFigures> {
  const tls = makeLoopbackCertificate("bench-fleet-tls-");
  process.env.TEST_TLS_KEY = tls.key;
  process.env.TEST_TLS_CERT = tls.cert;
  const options: BurstOptions = {
    instances: c.instances,
    events: c.events,
    arm: FLEET_ARM,
    pacing: c.fixedSplit
      ? {
          writesPerSecond: FLEET_ARM.perSecond / SPLIT_INSTANCES,
          burst: Math.max(1, Math.floor(FLEET_ARM.bucket / SPLIT_INSTANCES)),
        }
      : { writesPerSecond: FLEET_ARM.perSecond, burst: FLEET_ARM.bucket },
    remainingHeaders: !c.fixedSplit,
    concurrency: 100,
    maxDeliveryAttempts: 30,
    retryScheduleMs: [1000, 3000, 6000, 30_000, 60_000],
    budgetMs: 20_000,
    duplicateDeliveryRate: 0.01,
    seed: 20261124 + c.instances,
  };
  return runFleet(options);
}

/** The fleet cases of issue 18's targets, and (with `--fixed-split`) the old pacing on a shorter burst. */
async function fleetReport(): Promise<void> {
  const cases: FleetCase[] = [
    { instances: 1, events: 50, fixedSplit: false },
    ...[2, 10, 40].map((instances) => ({ instances, events: 5000, fixedSplit: false })),
  ];
  if (fixedSplit)
    for (const instances of [2, 10, 40])
      cases.push(
        { instances, events: 1000, fixedSplit: false },
        { instances, events: 1000, fixedSplit: true },
      );
  say(
    `| fleet${quick ? " (ARM scaled 10×: 200 tokens, 100/s)" : " (ARM's bucket: 200 tokens, 10/s)"} | drained in / ARM's floor | p99 first delivery → job | 429 share | ARM requests per job | duplicates, lost, dead-lettered |`,
  );
  say(`| --- | --- | --- | --- | --- | --- |`);
  for (const c of cases) {
    const f = await fleetFigures(c);
    say(
      `| ${c.instances} instance${c.instances === 1 ? "" : "s"}, ${f.sent} events, ${c.fixedSplit ? `fixed 1/${SPLIT_INSTANCES} split` : "reading ARM's headers"} | ${round(f.drainSeconds, 1)} s / ${round(f.armSeconds, 1)} s (${round(f.drainSeconds / Math.max(1, f.armSeconds))}×) | ${round(f.p99SubmitSeconds, 1)} s | ${round((100 * f.throttled) / Math.max(1, f.armRequests), 1)} % | ${round(f.requestsPerJob, 3)} | ${f.duplicates}, ${f.lost}, ${f.deadLettered} |`,
    );
    process.stderr.write(`${burstLine(f)}${c.fixedSplit ? " fixed_split" : ""}\n`);
  }
}

async function main(): Promise<void> {
  if (onlyBurst) {
    await fleetReport();
    return;
  }
  if (onlyWatcher) {
    await watcherReport(say);
    return;
  }
  // The deployed function loads the compiled workflows, not YAML: so does the bench.
  const compiled = compileWorkflows(EXAMPLE_WORKFLOWS);
  if (!compiled.ok) throw compiled.error;
  const compiledFile = join(
    mkdtempSync(join(tmpdir(), "bench-compiled-")),
    "workflows.compiled.json",
  );
  writeFileSync(compiledFile, JSON.stringify(compiled.value));
  const pkg = await buildFunctionPackage(
    root,
    EXAMPLE_WORKFLOWS,
    compiled.value,
    join(root, "build"),
  );
  const bundle = join(root, "build", "app", "dist", "functions", "triggerPipelines.js");

  const tls = makeLoopbackCertificate("bench-tls-").dir;
  const standIn = spawn(process.execPath, [TSX, join(__dirname, "standInProcess.ts")], {
    env: {
      ...process.env,
      BENCH_TLS_KEY: join(tls, "key.pem"),
      BENCH_TLS_CERT: join(tls, "cert.pem"),
    },
  });
  const ports = JSON.parse(await firstLine(standIn, /\{.*\}/)) as {
    armPort: number;
    identityPort: number;
  };
  const arm = `https://127.0.0.1:${ports.armPort}`;
  const ca = readFileSync(join(tls, "cert.pem"));
  const call = (path: string) =>
    new Promise<string>((resolve, reject) => {
      httpsGet(`${arm}${path}`, { ca }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          resolve(text);
        });
      }).on("error", reject);
    });
  const stats = async () =>
    JSON.parse(await call("/__stats")) as {
      tokenRequests: number;
      connections: number;
      puts: number;
    };

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_EXTRA_CA_CERTS: join(tls, "cert.pem"),
    IDENTITY_ENDPOINT: `http://127.0.0.1:${ports.identityPort}/msi/token`,
    IDENTITY_HEADER: "bench",
    AML_WORKSPACE_ID: WORKSPACE_ID,
    WORKFLOWS_FILE: compiledFile,
    ARM_ENDPOINT: arm,
    REJECTED_DIR: mkdtempSync(join(tmpdir(), "bench-rejected-")),
    ARCHIVE_DIR: mkdtempSync(join(tmpdir(), "bench-archive-")),
    BENCH_BUNDLE: bundle,
    // These figures are the function's own cost: ARM's pacing is out of the way here (the stand-in
    // does not throttle); the burst below measures pacing against a throttling ARM.
    ARM_WRITES_PER_SECOND: "1000000",
    ARM_WRITE_BURST: "1000000",
  };

  // The same request both sides send: the shipped workflow's body for one event.
  const workspace = parseWorkspaceId(WORKSPACE_ID);
  if (!workspace.ok) throw new Error("workspace");
  const config = loadWorkflowsOrThrow(EXAMPLE_WORKFLOWS);
  const sampleBody = (id: string) => {
    const plan = planEvent(
      {
        id,
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        topic: WORKSPACE_ID,
        subject: "models/credit-risk:3",
        data: { modelName: "credit-risk", modelVersion: "3", modelTags: { stage: "candidate" } },
      },
      { config, workspace: workspace.value, armEndpoint: arm },
    );
    if (plan.kind !== "processed" || plan.workflows[0]?.kind !== "planned")
      throw new Error("no job planned");
    return plan.workflows[0];
  };

  // The two cold programs: ours (the bundle, one event) and the SDK's (the same job, unbundled).
  const oursProgram = (id: string, then: string) => {
    const event = JSON.stringify({
      id,
      eventType: "Microsoft.MachineLearningServices.ModelRegistered",
      topic: WORKSPACE_ID,
      subject: "models/credit-risk:3",
      data: { modelName: "credit-risk", modelVersion: "3", modelTags: { stage: "candidate" } },
    });
    return `require(${JSON.stringify(bundle)}).triggerPipelines(${event}, { log() {}, warn() {}, error(m) { console.error(m) } }).then(() => { ${then} })`;
  };
  const sdkProgram = (id: string, then: string) => {
    const job = sampleBody(`sdk-${id}`);
    return `const { DefaultAzureCredential } = require("@azure/identity");
         const { AzureMachineLearningWorkspaces } = require("@azure/arm-machinelearning");
         const client = new AzureMachineLearningWorkspaces(new DefaultAzureCredential(), "11111111-2222-3333-4444-555555555555", { endpoint: ${JSON.stringify(arm)}, credentialScopes: [${JSON.stringify(`${arm}/.default`)}], apiVersion: "2025-12-01" });
         client.jobs.createOrUpdate("bench-rg", "bench-ws", ${JSON.stringify(job.jobName)}, ${JSON.stringify(job.request.body)}).then(() => { ${then} });`;
  };
  const done = 'process.stdout.write("done\\n")';
  const ours: number[] = [];
  const sdk: number[] = [];
  const load: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const id = `cold-${i}-${Date.now()}`;
    ours.push(await timeToDone(oursProgram(id, done), env));
    sdk.push(await timeToDone(sdkProgram(id, done), env));
    load.push(
      await timeToDone(`require(${JSON.stringify(bundle)}); process.stdout.write("done\\n")`, env),
    );
    bare.push(await timeToDone(`process.stdout.write("done\\n")`, env));
  }
  // The same cold starts counted in instructions, which do not swing with the machine's load.
  const exit = `${done}; process.exit(0)`;
  const oursInstructions = coldInstructions(oursProgram(`cg-${Date.now()}`, exit), env);
  const sdkInstructions = coldInstructions(sdkProgram(`cg-${Date.now()}`, exit), env);
  const coldOk = (await stats()).puts >= COLD_RUNS * 2;

  await call("/__reset");
  const worker = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", join(__dirname, "throughputWorker.ts")],
    {
      cwd: root,
      env: {
        ...env,
        BENCH_EVENTS: quick ? "1000" : "4000",
        BENCH_MEMORY_EVENTS: quick ? "30000" : "100000",
      },
    },
  );
  const result = JSON.parse(await firstLine(worker, /\{.*\}/, 600_000)) as {
    throughput: { concurrency: number; eps: number; p50: number; p99: number }[];
    ignoreEps: number;
    ignoreP99: number;
    rssAt10k: number;
    rssAtTarget: number;
    memoryTarget: number;
  };
  const reuse = await stats();
  // The /__stats call above opened one connection of its own.
  reuse.connections -= 1;
  standIn.kill();

  const coldVsSdk = median(ours) / median(sdk);
  const loadVsNode = median(load) / median(bare);
  const submitEps = Math.max(...result.throughput.map((t) => t.eps));
  const p99 = result.throughput.find((t) => t.concurrency === 1)?.p99 ?? 0;
  const rssGrowth = result.rssAtTarget - result.rssAt10k;

  say(`| measure | value | target |`);
  say(`| --- | --- | --- |`);
  say(
    `| cold start, ours (median of ${COLD_RUNS} fresh processes, spawn → job submitted) | ${round(median(ours), 0)} ms | |`,
  );
  say(
    `| cold start, @azure/arm-machinelearning + @azure/identity, unbundled | ${round(median(sdk), 0)} ms | |`,
  );
  say(`| cold_vs_sdk | ${round(coldVsSdk)} | ≤ 0.8 |`);
  if (oursInstructions !== undefined && sdkInstructions !== undefined)
    say(
      `| cold start in instructions (callgrind, one run each): ours / SDK | ${(oursInstructions / 1e6).toFixed(0)} M / ${(sdkInstructions / 1e6).toFixed(0)} M (${round(oursInstructions / sdkInstructions)}) | ≤ 0.8 |`,
    );
  else say("| cold start in instructions | valgrind not installed: not measured | |");
  say(
    `| load, ours (spawn → function ready) / bare \`node -e 0\` | ${round(median(load), 0)} ms / ${round(median(bare), 0)} ms | |`,
  );
  say(`| load_vs_node | ${round(loadVsNode)} | ≤ 2.0 |`);
  for (const t of result.throughput)
    say(
      `| submit, concurrency ${t.concurrency}: events/s, p50, p99 per event | ${round(t.eps, 0)} /s, ${round(t.p50)} ms, ${round(t.p99)} ms | ≥ 1,000 /s |`,
    );
  say(
    `| ignored (non-matching) events/s, p99 | ${round(result.ignoreEps, 0)} /s, ${round(result.ignoreP99, 3)} ms | ≥ 20,000 /s |`,
  );
  say(
    `| RSS after 10k / ${result.memoryTarget / 1000}k events | ${round(result.rssAt10k, 1)} MB / ${round(result.rssAtTarget, 1)} MB | growth < 10 MB |`,
  );
  say(`| token requests in the throughput process | ${reuse.tokenRequests} | 1 |`);
  say(`| TCP connections opened to ARM (max concurrency 64) | ${reuse.connections} | ≤ 64 |`);
  say(`| deploy package | ${pkg.bytes} bytes | ≤ 1,048,576 |`);
  const compiledCorpus = corpus === undefined ? undefined : compileCorpus(corpus);
  if (compiledCorpus)
    say(
      `| compile the corpus (${compiledCorpus.files} pipeline jobs, ${compiledCorpus.accepted} accepted): total, slowest file | ${round(compiledCorpus.ms, 0)} ms, ${round(compiledCorpus.slowestMs, 1)} ms | |`,
    );
  if (!coldOk) say("warning: some cold-start runs did not reach the stand-in");
  await watcherReport(say);
  await fleetReport();
  say(
    `bench: cold_vs_sdk=${round(coldVsSdk)} cold_instructions_vs_sdk=${oursInstructions && sdkInstructions ? round(oursInstructions / sdkInstructions) : "n/a"} load_vs_node=${round(loadVsNode)} submit_eps=${round(submitEps, 0)} ignore_eps=${round(result.ignoreEps, 0)} p99_ms=${round(p99)} rss_growth_mb=${round(rssGrowth, 1)} zip_bytes=${pkg.bytes}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
