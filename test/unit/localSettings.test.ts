import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { applyLocalSettings, withSettingOrigins } from "../../scripts/cli/localSettings";
import { SettingsError } from "../../shared/core/runtime";
import { REPO_ROOT } from "../support/samples";

describe("applyLocalSettings", () => {
  it("creates local.settings.json from the sample on first start, and variables already set win", () => {
    const dir = mkdtempSync(join(tmpdir(), "app-"));
    copyFileSync(
      join(REPO_ROOT, "local.settings.sample.json"),
      join(dir, "local.settings.sample.json"),
    );
    const env: NodeJS.ProcessEnv = { ARM_ENDPOINT: "https://management.usgovcloudapi.net" };
    const result = applyLocalSettings(dir, env, { create: true });
    expect(result.created).toBe(true);
    expect(readFileSync(join(dir, "local.settings.json"), "utf8")).toBe(
      readFileSync(join(dir, "local.settings.sample.json"), "utf8"),
    );
    expect(env.ARM_ENDPOINT).toBe("https://management.usgovcloudapi.net");
    expect(env.FUNCTIONS_WORKER_RUNTIME).toBe("node");
    expect(result.applied).not.toContain("ARM_ENDPOINT");
    expect(applyLocalSettings(dir, {}).created).toBe(false);
  });

  it("says what is wrong with a broken local.settings.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "app-"));
    writeFileSync(join(dir, "local.settings.json"), '{"Values": {"PORT": 7071}}');
    expect(() => applyLocalSettings(dir, {})).toThrow(/Values\.PORT must be a string/);
  });

  it("refuses a trailing comma as a settings error at file:line:col", () => {
    const dir = mkdtempSync(join(tmpdir(), "app-"));
    const file = join(dir, "local.settings.json");
    writeFileSync(file, '{\n  "Values": {\n    "PORT": "7071",\n  }\n}\n');
    expect(() => applyLocalSettings(dir, {})).toThrow(SettingsError);
    expect(() => applyLocalSettings(dir, {})).toThrow(
      `${file}:3:19: not valid JSON: a trailing comma before '}' (JSON allows none)`,
    );
  });

  it("only reads: without create, a missing file is left missing and nothing is applied", () => {
    const dir = mkdtempSync(join(tmpdir(), "app-"));
    const env: NodeJS.ProcessEnv = {};
    expect(applyLocalSettings(dir, env)).toEqual({ created: false, applied: [] });
    expect(existsSync(join(dir, "local.settings.json"))).toBe(false);
    expect(env).toEqual({});
  });
});

describe("withSettingOrigins", () => {
  it("says after each setting whether local.settings.json or the environment set it", () => {
    const message =
      'Invalid settings:\n  WORKFLOWS_FILE: "x" resolves to /x\n  ARM_ENDPOINT: bad\n  OTHER: y';
    const env = { WORKFLOWS_FILE: "x", ARM_ENDPOINT: "http://a" };
    expect(withSettingOrigins(message, ["WORKFLOWS_FILE"], env).split("\n")).toEqual([
      "Invalid settings:",
      '  WORKFLOWS_FILE (from local.settings.json): "x" resolves to /x',
      "  ARM_ENDPOINT (from the environment): bad",
      "  OTHER: y",
    ]);
  });
});
