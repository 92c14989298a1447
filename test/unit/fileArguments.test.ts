import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { configFilesIn } from "../../scripts/cli/configFiles";
import { expandGlob, filesFromArguments } from "../../scripts/cli/fileArguments";
import { UsageError } from "../../scripts/cli/runCommand";

function folder(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "args-"));
  for (const file of files) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), file.endsWith(".yml") ? "type: pipeline\njobs: {}\n" : "{}");
  }
  return dir;
}

describe("filesFromArguments", () => {
  it("takes a folder as its matching files, sorted, without subfolders or dotfiles", () => {
    const dir = folder(["b.json", "a.json", "notes.txt", ".hidden.json", "sub/c.json"]);
    expect(filesFromArguments([dir], (n) => n.endsWith(".json"))).toEqual([
      join(dir, "a.json"),
      join(dir, "b.json"),
    ]);
  });

  it("expands a glob pattern itself, sorted; a file and a missing file pass as given", () => {
    const dir = folder(["x2.json", "x1.json", "y.json"]);
    const files = filesFromArguments(
      [join(dir, "y.json"), join(dir, "x*.json"), join(dir, "gone.json")],
      () => true,
    );
    expect(files).toEqual([
      join(dir, "y.json"),
      join(dir, "x1.json"),
      join(dir, "x2.json"),
      join(dir, "gone.json"),
    ]);
  });

  it("refuses a pattern that matches nothing, naming it", () => {
    const dir = folder(["a.json"]);
    const pattern = join(dir, "*.yaml");
    expect(() => filesFromArguments([pattern], () => true)).toThrow(UsageError);
    expect(() => filesFromArguments([pattern], () => true)).toThrow(`no file matches "${pattern}"`);
  });
});

describe("expandGlob", () => {
  it("spans folders with **, and stays in one folder with *", () => {
    const dir = folder(["a.yml", "jobs/b.yml", "jobs/deep/c.yml", "node_modules/d.yml"]);
    expect(expandGlob(join(dir, "**", "*.yml"))).toEqual([
      join(dir, "a.yml"),
      join(dir, "jobs", "b.yml"),
      join(dir, "jobs", "deep", "c.yml"),
    ]);
    expect(expandGlob(join(dir, "jobs", "*.yml"))).toEqual([join(dir, "jobs", "b.yml")]);
  });
});

describe("configFilesIn", () => {
  it("expands a pattern to the pipeline jobs and workflows configs it matches", () => {
    const dir = folder(["p1.yml", "p2.yml"]);
    writeFileSync(join(dir, "other.yml"), "title: not a config\n");
    expect(configFilesIn([join(dir, "*.yml")])).toEqual([
      { file: join(dir, "p1.yml"), kind: "pipeline" },
      { file: join(dir, "p2.yml"), kind: "pipeline" },
    ]);
    expect(() => configFilesIn([join(dir, "*.yaml")])).toThrow(/no file matches/);
  });
});
