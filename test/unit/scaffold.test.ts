import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { projectName, scaffoldProject, toolDependency } from "../../scripts/init/scaffold";
import { REPO_ROOT } from "../support/samples";

describe("projectName", () => {
  it.each([
    ["/work/My ML Workflows", "my-ml-workflows"],
    ["/work/team_ml.v2", "team-ml-v2"],
    ["/work/--", "aml-workflows"],
  ])("%s → %s", (folder, name) => {
    expect(projectName(folder)).toBe(name);
  });
});

describe("toolDependency", () => {
  it("keeps a version range or tag as npm takes it", () => {
    expect(toolDependency("^0.1.0", "/work/team")).toBe("^0.1.0");
    expect(toolDependency("latest", "/work/team")).toBe("latest");
    expect(toolDependency("file:../x.tgz", "/work/team")).toBe("file:../x.tgz");
  });

  it("writes a tarball or folder path as file:, relative to the new project", () => {
    expect(toolDependency("./aml-event-workflows-0.1.0.tgz", "/work/team", "/work/tool")).toBe(
      "file:../tool/aml-event-workflows-0.1.0.tgz",
    );
    expect(toolDependency("/work/tool", "/work/team")).toBe("file:../tool");
    expect(toolDependency("aml-event-workflows-0.1.0.tgz", "/work/team", "/work")).toBe(
      "file:../aml-event-workflows-0.1.0.tgz",
    );
  });
});

describe("scaffoldProject", () => {
  it("fills the project's name into every template, and names the tool as asked", () => {
    const target = join(mkdtempSync(join(tmpdir(), "scaffold-")), "churn-team");
    const made = scaffoldProject(REPO_ROOT, target, { name: "churn-team", tool: "^9.9.9" });
    expect(made.kind).toBe("written");
    const read = (file: string) => readFileSync(join(target, file), "utf8");
    expect(read("infra/Pulumi.yaml")).toMatch(/^name: "churn-team"$/m);
    expect(read("README.md")).toMatch(/^# churn-team$/m);
    for (const file of ["README.md", "infra/Pulumi.yaml", ".github/workflows/aml-workflows.yml"])
      expect(read(file), file).not.toMatch(/\{\{\w+\}\}/);
    const manifest = JSON.parse(read("package.json")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.dependencies).toEqual({ "aml-event-workflows": "^9.9.9" });
    // The Pulumi packages at the versions the component's peer ranges allow.
    const tool = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    expect(manifest.devDependencies["@pulumi/pulumi"]).toBe(
      tool.peerDependencies["@pulumi/pulumi"],
    );
    // The example workflows are copied as they are, placeholders and all.
    expect(read("workflows/workflows.yaml")).toBe(
      readFileSync(join(REPO_ROOT, "workflows", "workflows.yaml"), "utf8"),
    );
  });
});
