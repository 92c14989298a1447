import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { REPO_ROOT } from "../support/samples";

const TEMPLATE = join(
  REPO_ROOT,
  "templates",
  "project",
  "github",
  "workflows",
  "aml-workflows.yml",
);

/** What GitHub's own workflow parser (actions/languageservices) makes of a workflow file. */
async function parsed(content: string) {
  const result = parseWorkflow(
    { name: "aml-workflows.yml", content },
    new NoOperationTraceWriter(),
  );
  if (result.value === undefined) return { errors: ["nothing parsed"], template: undefined };
  const template = await convertWorkflowTemplate(result.context, result.value);
  return {
    errors: [
      ...result.context.errors.getErrors().map((e) => e.message),
      ...(template.errors ?? []).map((e) => e.Message),
    ],
    template,
  };
}

describe("the CI workflow amlwf init writes", () => {
  const content = readFileSync(TEMPLATE, "utf8");

  it("is a workflow GitHub's own parser accepts", async () => {
    const { errors, template } = await parsed(content);
    expect(errors).toEqual([]);
    expect(template?.jobs.map((job) => job.id.value)).toEqual(["check", "deploy"]);
  });

  it("fails that parser on a misspelt key, so the check above can fail", async () => {
    const { errors } = await parsed(
      content.replace("permissions:\n      contents: read", "permisions:\n      contents: read"),
    );
    expect(errors.join("\n")).toMatch(/Unexpected value 'permisions'/);
  });

  it("runs validate and plan on pull requests, and deploys only from main with an OIDC token", () => {
    expect(content).toMatch(/^on:\n {2}pull_request:\n {2}push:\n {4}branches: \[main\]$/m);
    expect(content).toContain("run: npx amlwf validate");
    expect(content).toContain("run: npx amlwf plan --explain events");
    expect(content).toContain("if: github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(content).toMatch(/permissions:\n {6}contents: read\n {6}id-token: write/);
    expect(content).toContain('ARM_USE_OIDC: "true"');
    expect(content).not.toMatch(/client-secret|ARM_CLIENT_SECRET/);
  });
});

describe("the Azure DevOps pipeline in docs/deploy.md", () => {
  const doc = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
  const section = doc.slice(doc.indexOf("**Azure DevOps.**"));
  const yamlText = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";

  it("is YAML with the two stages, the deploy one from main only, pulumi up inside AzureCLI@2", () => {
    const pipeline = parse(yamlText) as {
      trigger: unknown;
      stages: { stage: string; condition?: string; jobs: { steps: Record<string, unknown>[] }[] }[];
    };
    expect(pipeline.stages.map((s) => s.stage)).toEqual(["check", "deploy"]);
    expect(pipeline.stages[1]?.condition).toContain("refs/heads/main");
    const cli = pipeline.stages[1]?.jobs[0]?.steps.find((s) => s.task === "AzureCLI@2") as
      { inputs: Record<string, unknown> } | undefined;
    expect(cli?.inputs.addSpnToEnvironment).toBe(true);
    expect(String(cli?.inputs.inlineScript)).toMatch(
      /ARM_OIDC_TOKEN="\$idToken"[\s\S]*pulumi up --yes/,
    );
  });
});
