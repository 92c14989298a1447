import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { EventGridHandler } from "../../functions/registry";
import { startLocalHost } from "../../scripts/localHost/webhookServer";
import { createDryRunSubmitter } from "../../shared/aml/dryRunSubmitter";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { loadWorkflows, loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import { WEBHOOK_PATH } from "../../shared/constants";
import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import type { EventOutcome } from "../../shared/core/outcome";
import { processEvent } from "../../shared/core/processEvent";
import { createFolderRejectionStore } from "../../shared/rejections/folderRejectionStore";
import { EXAMPLE_WORKFLOWS, sampleEvent } from "../support/samples";
import { MINIMAL_PIPELINE, writeConfig, yamlAliasBomb } from "../support/tempConfig";

const HOSTILE = [
  "${{parent.jobs.x.outputs.y}}",
  "${{ inputs.a }}",
  "prefix ${{parent.inputs.model}} suffix",
  "a: b\n- c: [d]",
  "'single'",
  '"double"',
  "line\nbreak\r\n",
  "tab\tchar",
  "\u0000nul",
  "ünïcødé 🚀",
  "\u202eevil",
  "../../etc/passwd",
  "..\\..\\windows",
  "/absolute/path",
  "%2e%2e%2f",
  "<script>alert(1)</script>",
  "{{ model.name }}",
  "{{ event.id }}",
  "__proto__",
  "constructor",
  "prototype",
  "*",
  "[abc",
  "a:b:c",
  ":",
  "models/",
  "0",
  "-1",
  "NaN",
  "null",
  "true",
  "AccountKey=abc;sig=xyz",
  "x".repeat(300),
  "y".repeat(1024 * 1024),
  " ",
  "",
  "😀".repeat(1000),
  "\\",
  "&&|;`rm -rf`",
];
const WRONG_TYPES: unknown[] = [null, 0, 1.5, true, [], {}, "", "   ", -1, ["a"], { a: { b: 1 } }];

function withPath(
  base: Record<string, unknown>,
  path: string[],
  value: unknown,
  remove = false,
): Record<string, unknown> {
  const copy = structuredClone(base);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] ?? "";
  if (remove) Reflect.deleteProperty(node, last);
  else node[last] = value;
  return copy;
}

function nested(depth: number): unknown {
  return JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);
}

/** ≥ 900 hostile events built from the two schemas of a ModelRegistered event. */
function hostileEvents(): unknown[] {
  const eventGrid = sampleEvent("model-registered.eventgrid.json");
  const cloud = sampleEvent("model-registered.cloudevent.json");
  const out: unknown[] = [42, "a string", null, true, [], [eventGrid], "{not json}"];
  for (const [base, typeKey, timeKey] of [
    [eventGrid, "eventType", "eventTime"],
    [cloud, "type", "time"],
  ] as const) {
    const fields = [
      ["id"],
      [typeKey],
      ["subject"],
      [timeKey],
      ["data"],
      ["data", "modelName"],
      ["data", "modelVersion"],
      ["data", "modelTags"],
    ];
    for (const path of fields) {
      out.push(withPath(base, path, undefined, true));
      for (const value of WRONG_TYPES) out.push(withPath(base, path, value));
    }
    for (const value of HOSTILE) {
      const sourceKey = typeKey === "type" ? "source" : "topic";
      for (const path of [
        ["id"],
        ["subject"],
        [timeKey],
        [sourceKey],
        ["data", "modelName"],
        ["data", "ModelName"],
        ["data", "modelVersion"],
        ["data", "modelProperties", "p"],
        ["data", "modelTags", "stage"],
        ["data", "modelTags", value.slice(0, 100) || "empty"],
      ]) {
        const event = withPath(base, path, value);
        if (path[1] === "modelTags" && path[2] !== "stage")
          (event.data as { modelTags: Record<string, string> }).modelTags.stage = "candidate";
        out.push(event);
      }
    }
    out.push(
      JSON.parse(
        JSON.stringify(base).replace(
          '"data":{',
          '"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
        ),
      ) as unknown,
    );
    out.push(
      withPath(
        base,
        ["data", "modelTags"],
        JSON.parse('{"__proto__":{"polluted":true},"stage":"candidate"}'),
      ),
    );
    for (const depth of [100, 5_000, 100_000])
      out.push(withPath(base, ["data", "deep"], nested(depth)));
    out.push(withPath(base, ["data", "blob"], "z".repeat(1024 * 1024)));
  }
  return out;
}

/** The shape of a job body: every key path and the type found there, with values left out. */
function shape(value: unknown, path = ""): string[] {
  if (Array.isArray(value))
    return [`${path}:array`, ...value.flatMap((v, i) => shape(v, `${path}[${i}]`))];
  if (typeof value === "object" && value !== null)
    return [
      `${path}:object`,
      ...Object.entries(value).flatMap(([k, v]) => shape(v, `${path}.${k}`)),
    ];
  return [`${path}:${typeof value}`];
}

const withinTime = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        reject(new Error(`no answer within ${ms} ms`));
      }, ms),
    ),
  ]);

describe("bad input: hostile events and configs get a clear answer, never a crash, a hang or a changed job", () => {
  const workspace = parseWorkspaceId(PLACEHOLDER_WORKSPACE_ID);
  if (!workspace.ok) throw new Error("workspace");
  const config = loadWorkflowsOrThrow(EXAMPLE_WORKFLOWS);
  const context = {
    config,
    workspace: workspace.value,
    armEndpoint: "https://management.azure.com",
  };
  const submitter = createDryRunSubmitter(mkdtempSync(join(tmpdir(), "bad-dry-")));
  const rejections = createFolderRejectionStore(mkdtempSync(join(tmpdir(), "bad-rejected-")));
  let counted = 0;
  let baseline: string[] = [];

  beforeAll(async () => {
    const outcome = await processEvent(
      sampleEvent("model-registered.eventgrid.json"),
      context,
      createDryRunSubmitter(mkdtempSync(join(tmpdir(), "base-"))),
      rejections,
    );
    if (outcome.kind !== "processed" || outcome.workflows[0]?.kind !== "submitted")
      throw new Error("baseline did not submit");
    baseline = shape(outcome.workflows[0].request.body.properties).filter(
      (p) => !p.startsWith(".tags."),
    );
  });

  it("events: each is processed or rejected with a reason; submitted bodies keep the baseline structure", async () => {
    const events = hostileEvents();
    const kinds: Record<string, number> = {};
    for (const event of events) {
      const outcome: EventOutcome = await withinTime(
        processEvent(event, context, submitter, rejections),
        5_000,
      );
      kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
      // A hostile topic or source is an Azure ML event from no served workspace: refused as such.
      if (outcome.kind === "rejected")
        expect(outcome.reason).toMatch(
          /^(malformed event: |ModelRegistered is an Azure ML event type, believed only from ).{5,}/,
        );
      if (outcome.kind !== "processed") continue;
      for (const w of outcome.workflows) {
        if (w.kind === "rejected") {
          expect(w.reason.length).toBeGreaterThan(5);
          continue;
        }
        if (w.kind === "held") throw new Error("nothing here coalesces");
        const properties = w.request.body.properties;
        expect(shape(properties).filter((p) => !p.startsWith(".tags."))).toEqual(baseline);
        for (const input of Object.values(properties.inputs))
          for (const v of Object.values(input)) expect(typeof v).toBe("string");
        expect(JSON.stringify(properties.jobs)).not.toMatch(/polluted|\$\{\{parent\.jobs\.x/);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(kinds.rejected).toBeGreaterThan(50);
    expect(kinds.processed).toBeGreaterThan(50);
    counted += events.length;
  }, 120_000);

  describe("request bodies the local host receives", () => {
    let server: Server;
    let url = "";
    const seen: unknown[] = [];
    beforeAll(async () => {
      const functions = new Map<string, EventGridHandler>([
        ["recorder", (e) => (seen.push(e), Promise.resolve())],
      ]);
      const host = await startLocalHost(0, { functions });
      server = host.server;
      url = `http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=recorder`;
    });
    afterAll(
      () =>
        new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        ),
    );

    it("answers every broken body with 400 and a reason, and never calls the function", async () => {
      const valid = JSON.stringify([sampleEvent("model-registered.eventgrid.json")]);
      const bodies = [
        "",
        " ",
        "null",
        "42",
        '"text"',
        "true",
        "{",
        "[",
        "[{]",
        valid.slice(0, -1),
        `${valid}garbage`,
        `\uFEFF${valid}x`,
        "{'single': 1}",
        "[1,]",
        "NaN",
        "undefined",
        '{"a":}',
        "\u0000",
        "]".repeat(1000),
      ];
      for (let i = 0; i < 40; i++) bodies.push(valid.slice(0, Math.floor((valid.length * i) / 40)));
      for (const body of bodies) {
        const response = await withinTime(
          fetch(url, {
            method: "POST",
            headers: { "aeg-event-type": "Notification", "content-type": "application/json" },
            body,
          }),
          5_000,
        );
        expect(response.status, JSON.stringify(body.slice(0, 40))).toBe(400);
        expect((await response.text()).length).toBeGreaterThan(10);
      }
      expect(seen).toHaveLength(0);
      counted += bodies.length;
    });
  });

  it("configs: each hostile config is refused with the file and place named, no crash, no hang", () => {
    const workflow = (extra: string, name = "wf") =>
      `workflows:\n  - name: ${name}\n    on: Microsoft.MachineLearningServices.ModelRegistered\n    pipeline: p.yml\n${extra}`;
    const configs: { files: Record<string, string>; expect: RegExp }[] = [];
    for (const key of [
      "retries",
      "__proto__",
      "constructor",
      "Name",
      "pipelines",
      "ON",
      "when_",
      "inputs2",
      "x".repeat(200),
      "ünï",
    ]) {
      configs.push({
        files: {
          "workflows.yaml": workflow(`    ${JSON.stringify(key)}: 1\n`),
          "p.yml": MINIMAL_PIPELINE,
        },
        expect: /unknown key/,
      });
      configs.push({
        files: {
          "workflows.yaml": `${JSON.stringify(key)}: 1\n${workflow("")}`,
          "p.yml": MINIMAL_PIPELINE,
        },
        expect: /unknown key/,
      });
      configs.push({
        files: {
          "workflows.yaml": workflow(`    when:\n      ${JSON.stringify(key)}: x\n`),
          "p.yml": MINIMAL_PIPELINE,
        },
        expect: /unknown key/,
      });
      configs.push({
        files: {
          "workflows.yaml": workflow(""),
          "p.yml": `${JSON.stringify(key)}: 1\n${MINIMAL_PIPELINE}`,
        },
        expect: /unknown key|is not supported/,
      });
    }
    for (const name of [
      "",
      "A",
      "-a",
      "a-",
      "a_b",
      "a b",
      "x".repeat(64),
      "ünï",
      "../x",
      "__proto__",
      "'quoted'",
      "a/b",
    ]) {
      configs.push({
        files: { "workflows.yaml": workflow("", JSON.stringify(name)), "p.yml": MINIMAL_PIPELINE },
        expect: /name: must be/,
      });
    }
    for (const glob of ["[abc", "[z-a]", "a[", "[[", "*[", "[!"]) {
      for (const where of [
        `    when:\n      model: ${JSON.stringify(glob)}\n`,
        `    when:\n      subject: ${JSON.stringify(glob)}\n`,
        `    when:\n      tags: { stage: ${JSON.stringify(glob)} }\n`,
      ]) {
        configs.push({
          files: { "workflows.yaml": workflow(where), "p.yml": MINIMAL_PIPELINE },
          expect: /not a valid glob/,
        });
      }
    }
    for (const on of [
      "[]",
      '[""]',
      "5",
      "{a: 1}",
      "Microsoft.MachineLearningServices.Nope",
      "null",
    ]) {
      configs.push({
        files: {
          "workflows.yaml": `workflows:\n  - name: wf\n    on: ${on}\n    pipeline: p.yml\n`,
          "p.yml": MINIMAL_PIPELINE,
        },
        expect: /on|event type/,
      });
    }
    for (const path of [
      "../../../../etc/passwd",
      "/dev/null",
      "missing.yml",
      "''",
      ".",
      "p.yml/../../x.yml",
    ]) {
      configs.push({
        files: {
          "workflows.yaml": `workflows:\n  - name: wf\n    on: a.b\n    pipeline: ${path}\n`,
          "p.yml": MINIMAL_PIPELINE,
        },
        expect: /must be a file under|not found|must not be empty|must be text/,
      });
    }
    const cycle = (jobs: [string, string][]) =>
      `type: pipeline\nsettings: { default_compute: azureml:c }\njobs:\n${jobs.map(([a, b]) => `  ${a}:\n    type: command\n    component: azureml:x:1\n    inputs: { i: "\${{parent.jobs.${b}.outputs.o}}" }\n`).join("")}`;
    for (const jobs of [
      [["a", "a"]],
      [
        ["a", "b"],
        ["b", "a"],
      ],
      [
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
      ],
      [
        ["a", "b"],
        ["b", "c"],
        ["c", "d"],
        ["d", "b"],
      ],
    ] as [string, string][][]) {
      configs.push({
        files: { "workflows.yaml": workflow(""), "p.yml": cycle(jobs) },
        expect: /cycle/,
      });
    }
    configs.push({
      files: {
        "workflows.yaml": `# ${"x".repeat(1024 * 1024 + 10)}\n${workflow("")}`,
        "p.yml": MINIMAL_PIPELINE,
      },
      expect: /limit is/,
    });
    const bomb = yamlAliasBomb();
    configs.push({
      files: { "workflows.yaml": `${bomb}\n`, "p.yml": MINIMAL_PIPELINE },
      expect: /[Aa]lias/,
    });
    configs.push({
      files: { "workflows.yaml": "workflows:\n\t- name: x\n", "p.yml": MINIMAL_PIPELINE },
      expect: /YAML syntax/,
    });
    configs.push({
      files: { "workflows.yaml": `${workflow("")}workflows: []\n`, "p.yml": MINIMAL_PIPELINE },
      expect: /YAML syntax/,
    });
    configs.push({
      files: {
        "workflows.yaml": `__proto__:\n  polluted: true\n${workflow("")}`,
        "p.yml": MINIMAL_PIPELINE,
      },
      expect: /unknown key "__proto__"/,
    });

    for (const { files, expect: message } of configs) {
      const file = writeConfig(files);
      const started = Date.now();
      let result: ReturnType<typeof loadWorkflows> | undefined;
      expect(() => (result = loadWorkflows(file))).not.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result?.ok, JSON.stringify(files).slice(0, 200)).toBe(false);
      const text = result && !result.ok ? result.error.message : "";
      expect(text, JSON.stringify(files).slice(0, 200)).toMatch(message);
      expect(text).toMatch(/\.ya?ml(:\d+:\d+)?/);
      // In the config's own words: no validator's stock text reaches the user.
      expect(text).not.toMatch(
        /Invalid input|Invalid option|Too small|Too big|expected string|received /,
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    counted += configs.length;
  }, 120_000);

  afterAll(() => {
    process.stdout.write(`\nbad-input: ${counted} hostile inputs\n`);
    expect(counted).toBeGreaterThanOrEqual(1000);
  });
});
