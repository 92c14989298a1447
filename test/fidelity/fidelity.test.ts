/**
 * The fidelity suite: every fixture under test/fixtures/fidelity compiled by us and by azure-ai-ml
 * itself (the SDK oracle beside the repository runs its own code with the network stubbed). Both
 * must accept the same fixtures and send the same bodies, but for acceptedDifferences.ts.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type CompileAnswer, compileFile } from "../../scripts/compile/compileFile";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { anonymousComponentVersion } from "../../shared/compiled/anonymousComponent";
import type { JsonLike } from "../../shared/compiled/pythonJson";
import { SDK_ORACLE, sdkOracleAvailable } from "../support/reference";
import { REPO_ROOT } from "../support/samples";
import { ACCEPTED_DIFFERENCES, type AcceptedDifference } from "./acceptedDifferences";
import {
  compareWithOracle,
  declaresDisplayName,
  ORACLE_WORKSPACE,
  pathOf,
  readOracleRecord,
} from "./compareWithOracle";
import type { OracleRecord } from "./sdkBodies";

// The oracle lives beside the repository, not in it: without it the suite says so and skips.
const available = sdkOracleAvailable();

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "fidelity");
const FIXTURE_NAMES = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, "pipeline.yml")))
  .map((d) => d.name)
  .sort();

// The first run of the oracle may install its Python libraries (apt-get) before the SDK starts.
const ORACLE_TIMEOUT_MS = 180_000;

const workspace = (() => {
  const parsed = parseWorkspaceId(ORACLE_WORKSPACE);
  if (!parsed.ok) throw new Error("oracle workspace");
  return parsed.value;
})();

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^.]*"),
    )
    .join(".*");
  return new RegExp(`^${source}$`);
}

const ACCEPTED = ACCEPTED_DIFFERENCES.map((entry) => ({ entry, path: globToRegExp(entry.path) }));

function accepts(
  accepted: (typeof ACCEPTED)[number],
  fixture: string,
  difference: string,
): boolean {
  const { entry, path } = accepted;
  return (entry.fixture === "*" || entry.fixture === fixture) && path.test(pathOf(difference));
}

const acceptedBy = (fixture: string, difference: string): AcceptedDifference | undefined =>
  ACCEPTED.find((a) => accepts(a, fixture, difference))?.entry;

interface Outcome {
  oursAccepted: boolean;
  sdkAccepted: boolean;
  differences: string[];
  /** azure-ai-ml's anonymous components whose version, given our code assets, is none of ours. */
  versionMismatches: string[];
}

const codeHash = (body: unknown) =>
  JSON.stringify(body).match(/"hash_sha256":"([0-9a-f]{64})"/)?.[1];

/**
 * Each anonymous component azure-ai-ml registered, with its code ids swapped for ours (the SDK
 * names a new code asset at random) and its own components' likewise, hashed as the SDK hashes:
 * the version must be one we register, so a workspace holds one copy whoever registered it.
 */
function versionMismatches(record: OracleRecord, answer: CompileAnswer): string[] {
  if (!record.accepted || !answer.ok) return [];
  const ours = new Map<string, string>();
  const ourVersions = new Set<string>();
  for (const asset of answer.assets) {
    if (asset.method !== "PUT") continue;
    const hash = codeHash(asset.body);
    if (asset.kind === "code" && hash !== undefined) ours.set(hash, asset.path);
    if (asset.kind === "component") ourVersions.add(asset.path.split("/").pop() ?? "");
  }
  const renamed = new Map<string, string>();
  for (const code of record.codes) {
    const mine = ours.get(codeHash(code.body) ?? "");
    if (mine !== undefined)
      renamed.set(
        code.path.replace(/^.*?\/codes\//, "codes/"),
        mine.replace(/^.*?\/codes\//, "codes/"),
      );
  }
  const mismatches: string[] = [];
  for (const component of record.components) {
    const spec = JSON.parse(
      JSON.stringify(
        (component.body as { properties: { componentSpec: unknown } }).properties.componentSpec,
      ).replace(
        /(codes\/[^/"]+\/versions\/[^/"]+|azureml_anonymous\/versions\/[^/"]+)/g,
        (m) => renamed.get(m) ?? m,
      ),
    ) as Record<string, JsonLike>;
    const version = anonymousComponentVersion(spec);
    renamed.set(
      component.path.replace(/^.*?\/components\//, "components/").replace("components/", ""),
      `azureml_anonymous/versions/${version}`,
    );
    if (!ourVersions.has(version)) mismatches.push(`${component.path} → ${version}`);
  }
  return mismatches;
}

const outcomes = new Map<string, Outcome>();
let workDir: string | undefined;

function outcomeOf(fixture: string): Outcome {
  const outcome = outcomes.get(fixture);
  if (outcome === undefined) throw new Error(`no outcome for ${fixture}: did beforeAll run?`);
  return outcome;
}

const unaccepted = (fixture: string, differences: string[]) =>
  differences.filter((d) => acceptedBy(fixture, d) === undefined).map((d) => d.slice(0, 600));

describe.skipIf(!available)("fidelity: our bodies against azure-ai-ml's (the SDK oracle)", () => {
  beforeAll(async () => {
    // Copies outside any git checkout, so the SDK adds no git properties (the normaliser drops
    // them too); the folder names stay, as the SDK names an unnamed experiment after its folder.
    workDir = realpathSync(mkdtempSync(join(tmpdir(), "aml-fidelity-")));
    const copies = join(workDir, "fixtures");
    const oracleOut = join(workDir, "oracle");
    cpSync(FIXTURES, copies, { recursive: true });
    const files = FIXTURE_NAMES.map((name) => join(copies, name, "pipeline.yml"));
    const started = Date.now();
    try {
      await promisify(execFile)(SDK_ORACLE, ["--out", oracleOut, ...files], {
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? "";
      throw new Error(`${SDK_ORACLE} failed: ${String(error)}\n${stderr.slice(-3000)}`);
    }
    const oracleSeconds = (Date.now() - started) / 1000;
    for (const [i, name] of FIXTURE_NAMES.entries()) {
      const file = files[i]!;
      const record = readOracleRecord(oracleOut, file);
      let answer;
      try {
        answer = compileFile(file, workspace, "https://management.azure.com");
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const threw = `compile: ours ${JSON.stringify(`threw: ${message}`)} | sdk ${JSON.stringify(record.accepted ? "accepted" : "refused")}`;
        outcomes.set(name, {
          oursAccepted: false,
          sdkAccepted: record.accepted,
          differences: [threw],
          versionMismatches: [],
        });
        continue;
      }
      outcomes.set(name, {
        oursAccepted: answer.ok,
        sdkAccepted: record.accepted,
        differences: compareWithOracle(answer, record, declaresDisplayName(file), workspace),
        versionMismatches: versionMismatches(record, answer),
      });
    }
    process.stdout.write(
      `fidelity suite: ${FIXTURE_NAMES.length} fixtures, SDK oracle ${oracleSeconds.toFixed(1)} s\n`,
    );
  }, ORACLE_TIMEOUT_MS);

  afterAll(() => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it("has fixtures to compare", () => {
    expect(FIXTURE_NAMES.length).toBeGreaterThan(0);
  });

  it.for(FIXTURE_NAMES)("%s: we accept it exactly when azure-ai-ml does", (fixture) => {
    const { differences } = outcomeOf(fixture);
    const acceptance = differences.filter((d) => ["accepted", "compile"].includes(pathOf(d)));
    expect(unaccepted(fixture, acceptance)).toEqual([]);
  });

  it.for(FIXTURE_NAMES)(
    "%s: the job and asset bodies equal azure-ai-ml's, but for the accepted differences",
    (fixture, { skip }) => {
      const { oursAccepted, sdkAccepted, differences } = outcomeOf(fixture);
      if (!oursAccepted || !sdkAccepted)
        skip(`only ${oursAccepted ? "we" : "azure-ai-ml"} accept it: no two bodies to compare`);
      expect(unaccepted(fixture, differences)).toEqual([]);
    },
  );

  it.for(FIXTURE_NAMES)(
    "%s: each anonymous component is the version `az ml job create` registers for the same code",
    (fixture) => {
      expect(outcomeOf(fixture).versionMismatches).toEqual([]);
    },
  );

  it("every accepted difference names a fixture, a reason and a source", () => {
    const wrong = ACCEPTED_DIFFERENCES.filter(
      (e) =>
        (e.fixture !== "*" && !FIXTURE_NAMES.includes(e.fixture)) ||
        e.reason.trim() === "" ||
        e.source.trim() === "",
    );
    expect(wrong).toEqual([]);
  });

  it("every accepted difference still occurs, so acceptedDifferences.ts stays true", () => {
    const stale = ACCEPTED.filter(
      (accepted) =>
        ![...outcomes].some(([fixture, outcome]) =>
          outcome.differences.some((d) => accepts(accepted, fixture, d)),
        ),
    ).map(({ entry }) => `${entry.fixture} ${entry.path}: ${entry.reason}`);
    expect(stale).toEqual([]);
  });
});
