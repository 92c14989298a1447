import { describe, expect, it } from "vitest";

import { loadWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import { EXAMPLE_WORKFLOWS } from "../support/samples";
import { MINIMAL_PIPELINE, writeConfig, yamlAliasBomb } from "../support/tempConfig";

function problems(workflowsYaml: string, pipeline = MINIMAL_PIPELINE): string {
  const result = loadWorkflows(writeConfig({ "workflows.yaml": workflowsYaml, "p.yml": pipeline }));
  if (result.ok) throw new Error("expected the config to be refused");
  return result.error.message;
}

const valid = (extra = "") => `workflows:
  - name: wf
    on: Microsoft.MachineLearningServices.ModelRegistered
    pipeline: p.yml
${extra}`;

describe("loadWorkflows", () => {
  it("loads the shipped workflows.yaml and its pipeline", () => {
    const result = loadWorkflows(EXAMPLE_WORKFLOWS);
    expect(result.ok).toBe(true);
    const config = result.ok ? result.value : undefined;
    expect(config?.workflows.map((w) => w.name)).toEqual(["validate-registered-model"]);
    expect(config?.eventTypes).toEqual(["Microsoft.MachineLearningServices.ModelRegistered"]);
    expect(Object.keys(config?.workflows[0]?.inputs ?? {})).toEqual([
      "model",
      "model_name",
      "min_accuracy",
    ]);
  });

  it("accepts a list of event types and resolves the pipeline against the config file", () => {
    const result = loadWorkflows(
      writeConfig({
        "workflows.yaml":
          "workflows:\n  - name: a\n    on: [custom.Thing, Microsoft.MachineLearningServices.RunCompleted]\n    pipeline: sub/p.yml\n",
        "sub/p.yml": MINIMAL_PIPELINE,
      }),
    );
    expect(result.ok && result.value.eventTypes).toEqual([
      "custom.Thing",
      "Microsoft.MachineLearningServices.RunCompleted",
    ]);
  });

  it.each([
    [
      "an unknown key, with its line and column",
      valid("    retries: 3\n"),
      /workflows\.yaml:5:5 workflows\[0\]\.retries: unknown key "retries"/,
    ],
    [
      "an unknown top-level key",
      "workflow:\n  - name: x\n",
      /workflows\.yaml:1:1 workflow: unknown key "workflow"/,
    ],
    [
      "a bad name",
      valid().replace("name: wf", "name: Bad_Name"),
      /workflows\[0\]\.name: must be 1-63 lowercase/,
    ],
    [
      "a duplicate name",
      `${valid()}  - name: wf\n    on: x.y\n    pipeline: p.yml\n`,
      /workflows\[1\]\.name: workflow name "wf" is used twice/,
    ],
    [
      "a missing pipeline file",
      valid().replace("p.yml", "missing.yml"),
      /workflows\[0\]\.pipeline: pipeline file not found: .*missing\.yml/,
    ],
    [
      "an unknown placeholder",
      valid('    inputs:\n      model_name: "{{ model.label }}"\n'),
      /workflows\[0\]\.inputs\.model_name: unknown placeholder "\{\{ model\.label \}\}"/,
    ],
    [
      "an input the pipeline does not declare",
      valid("    inputs:\n      learning_rate: 0.1\n"),
      /inputs\.learning_rate: the pipeline .*p\.yml declares no input "learning_rate"; its inputs: model, model_name, threshold/,
    ],
    [
      "a literal for an asset input",
      valid("    inputs:\n      model: azureml:x:1\n"),
      /inputs\.model: the pipeline declares "model" as a mlflow_model asset/,
    ],
    [
      "an asset of another type",
      valid("    inputs:\n      model:\n        type: custom_model\n        path: azureml:x:1\n"),
      /inputs\.model\.type: the pipeline declares "model" as mlflow_model, not custom_model/,
    ],
    [
      "a model placeholder on a non-model event",
      'workflows:\n  - name: wf\n    on: Microsoft.MachineLearningServices.RunCompleted\n    pipeline: p.yml\n    inputs:\n      model_name: "{{ model.name }}"\n',
      /a model placeholder needs a model/,
    ],
    [
      "a misspelt Azure ML event type",
      valid().replace("ModelRegistered", "ModelRegisterd"),
      /unknown Azure ML event type "Microsoft\.MachineLearningServices\.ModelRegisterd"/,
    ],
    [
      "a bad glob",
      valid('    when:\n      model: "[abc"\n'),
      /when\.model: "\[abc" is not a valid glob/,
    ],
    [
      "YAML syntax errors, with position",
      "workflows:\n  - name: [oops\n",
      /workflows\.yaml:\d+:\d+: YAML syntax/,
    ],
    ["an empty list", "workflows: []\n", /list at least one workflow/],
    [
      "a pipeline outside the deployed folder",
      valid().replace("pipeline: p.yml", "pipeline: ../elsewhere/p.yml"),
      /workflows\[0\]\.pipeline: pipeline "\.\.\/elsewhere\/p\.yml" must be a file under .*, the folder that is deployed/,
    ],
    [
      "an input named like an Object member",
      valid("    inputs:\n      constructor: 1\n"),
      /inputs\.constructor: the pipeline .*declares no input "constructor"/,
    ],
    [
      "a glob that can never match",
      valid('    when:\n      model: "[z-a]"\n'),
      /"\[z-a\]" is not a valid glob \(it can never match/,
    ],
    [
      "a file that is not a mapping",
      "just text\n",
      /workflows\.yaml:1:1: the workflows file must be a mapping \(key: value\), not the text "just text"/,
    ],
  ])("refuses %s", (_label, yaml, message) => {
    expect(problems(yaml)).toMatch(message);
  });

  it("reports every problem at once, in one error", () => {
    const message = problems(
      valid('    retries: 3\n    inputs:\n      nope: "{{ x.y }}"\n').replace(
        "name: wf",
        "name: WF",
      ),
    );
    expect(message).toMatch(/^Invalid workflows config \(\d+ problems\):/);
    expect(message).toMatch(/retries/);
    expect(message).toMatch(/name: must be 1-63/);
  });

  it("names six different mistakes at once, each with file:line:col, none hiding another", () => {
    const message = problems(
      `workflows:
  - name: Bad_Name
    on: ModelRegisterd
    pipeline: p.yml
    retries: 3
    when:
      tags: { stage: "[z-a]" }
    inputs:
      learning_rate: 0.1
`,
      MINIMAL_PIPELINE.replace("type: command", "type: import"),
    );
    expect(message).toMatch(/^Invalid workflows config \(6 problems\):/);
    // The pipeline is refused, and the workflow's inputs are still checked against what it declares.
    expect(message).toMatch(
      /workflows\.yaml:9:7 workflows\[0\]\.inputs\.learning_rate: the pipeline .*p\.yml declares no input "learning_rate"/,
    );
    expect(message).toMatch(/workflows\.yaml:2:5 workflows\[0\]\.name: must be 1-63 lowercase/);
    expect(message).toMatch(
      /workflows\.yaml:3:5 workflows\[0\]\.on: unknown Azure ML event type "ModelRegisterd"; did you mean Microsoft\.MachineLearningServices\.ModelRegistered/,
    );
    expect(message).toMatch(/workflows\.yaml:5:5 workflows\[0\]\.retries: unknown key "retries"/);
    expect(message).toMatch(
      /workflows\.yaml:7:15 workflows\[0\]\.when\.tags\.stage: "\[z-a\]" is not a valid glob/,
    );
    expect(message).toMatch(/p\.yml:\d+:\d+ jobs\.check\.type: import nodes are not supported yet/);
  });

  it("speaks the config's own words: no raw validator text for any of these mistakes", () => {
    const mistakes = [
      valid().replace("name: wf", "name: 12"),
      valid().replace("pipeline: p.yml", 'pipeline: ""'),
      valid().replace("on: Microsoft.MachineLearningServices.ModelRegistered", "on: []"),
      valid("    when: { tags: { stage: [a, b] } }\n"),
      valid("    inputs:\n      model: { type: mlflow_model }\n"),
      valid("    inputs:\n      model: { type: nonsense, path: azureml:x:1 }\n"),
      valid("    experiment: {}\n"),
      "workflows: 3\n",
    ];
    for (const yaml of mistakes) {
      const message = problems(yaml);
      expect(message).not.toMatch(
        /Invalid input|Invalid option|Too small|expected string|received/,
      );
      expect(message).toMatch(/workflows\.yaml:\d+:\d+ /);
    }
  });

  it("refuses __proto__ as a pipeline input name instead of letting it replace a prototype", () => {
    expect(
      problems(valid(), MINIMAL_PIPELINE.replace("  threshold: 0.5\n", '  "__proto__": 1\n')),
    ).toMatch(/inputs\.__proto__: "__proto__" cannot be used as a name/);
  });

  it("takes Azure ML's short event names and stores the full type", () => {
    const result = loadWorkflows(
      writeConfig({
        "workflows.yaml": valid().replace(
          "on: Microsoft.MachineLearningServices.ModelRegistered",
          "on: [ModelRegistered, runcompleted]",
        ),
        "p.yml": MINIMAL_PIPELINE,
      }),
    );
    expect(result.ok && result.value.eventTypes).toEqual([
      "Microsoft.MachineLearningServices.ModelRegistered",
      "Microsoft.MachineLearningServices.RunCompleted",
    ]);
  });

  it("lets a pipeline declare an input without a value when the workflow supplies it, and names one nobody supplies", () => {
    const pipeline = MINIMAL_PIPELINE.replace(
      "  threshold: 0.5\n",
      "  threshold: 0.5\n  run_id: { type: string }\n  data: { type: uri_folder }\n",
    );
    const supplied = loadWorkflows(
      writeConfig({
        "workflows.yaml": valid(
          '    inputs:\n      run_id: "{{ event.id }}"\n      data: { type: uri_folder, path: "azureml://datastores/d/paths/{{ model.name }}" }\n',
        ),
        "p.yml": pipeline,
      }),
    );
    expect(supplied.ok).toBe(true);
    expect(problems(valid('    inputs:\n      run_id: "{{ event.id }}"\n'), pipeline)).toMatch(
      /workflows\[0\]\.inputs: the pipeline .*p\.yml declares input "data" \(uri_folder\) without a value, and this workflow does not supply it/,
    );
  });

  it("refuses a YAML alias bomb instead of expanding it", () => {
    const bomb = yamlAliasBomb();
    expect(problems(`${bomb}\nworkflows: []\n`)).toMatch(/YAML: .*[Aa]lias/);
  });
});

describe("chained workflows: on: { workflow, status }", () => {
  const chained = (name: string, after: string, extra = "") => `  - name: ${name}
    on: { workflow: ${after}${extra} }
    pipeline: p.yml
`;

  it("listen for RunCompleted (or RunStatusChanged for Failed) and remember what they follow", () => {
    const result = loadWorkflows(
      writeConfig({
        "workflows.yaml": `${valid()}${chained("b", "wf")}${chained("c", "wf", ", status: Failed")}`,
        "p.yml": MINIMAL_PIPELINE,
      }),
    );
    if (!result.ok) throw result.error;
    const [, b, c] = result.value.workflows;
    expect(b).toMatchObject({
      on: ["Microsoft.MachineLearningServices.RunCompleted"],
      after: { workflow: "wf", status: "Completed" },
    });
    expect(c).toMatchObject({
      on: ["Microsoft.MachineLearningServices.RunStatusChanged"],
      after: { workflow: "wf", status: "Failed" },
    });
    expect(result.value.eventTypes).toContain("Microsoft.MachineLearningServices.RunCompleted");
  });

  it("refuses a loop, a workflow that does not exist, and upstream placeholders outside a chain", () => {
    const message = problems(
      `${valid(`    inputs: { model_name: "{{ upstream.job }}" }\n`)}${chained("a", "b")}${chained("b", "a")}${chained("d", "nowhere")}`,
    );
    expect(message).toMatch(
      /workflows\.yaml:\d+:\d+ workflows\[1\]\.on\.workflow: workflows start each other in a loop: (a → b → a|b → a → b)/,
    );
    expect(message).toMatch(/workflows\[3\]\.on\.workflow: no workflow is named "nowhere"/);
    expect(message).toMatch(
      /workflows\[0\]\.inputs\.model_name: upstream\.\* placeholders need a chained workflow/,
    );
    expect(message).not.toMatch(/workflows\[2\]\.on\.workflow: workflows start each other/);
  });
});
