import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { SETTING_NAMES } from "../../shared/constants";
import { writeLabelledExample } from "../support/labelledConfig";
import { runScript } from "../support/runScript";
import { REPO_ROOT } from "../support/samples";

const sample = join(REPO_ROOT, "samples", "events", "model-registered.eventgrid.json");

describe("npm run plan: label look-ups", () => {
  it("--json and the text both show the look-ups a job would make, and nothing is sent", async () => {
    const env = { [SETTING_NAMES.workflowsFile]: writeLabelledExample() };
    const json = await runScript("plan.ts", ["--json", sample], env);
    expect(json.status).toBe(0);
    const [entry] = JSON.parse(json.stdout) as {
      outcome: string;
      lookups: { asset: string; name: string; label: string; at: string[][]; url: string }[];
    }[];
    expect(entry?.outcome).toBe("submit");
    expect(entry?.lookups.map((l) => [l.asset, l.name, l.label, l.at.length])).toEqual([
      ["data", "local-folder-example", "latest", 2],
      ["components", "validate_model", "latest", 1],
      ["models", "baseline-model", "latest", 1],
    ]);
    expect(entry?.lookups[1]?.url).toMatch(
      /\/components\/validate_model\/versions\?api-version=2025-12-01&\$orderBy=createdtime%20desc&\$top=1$/,
    );

    const text = await runScript("plan.ts", [sample], env);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      /^label look-up: models baseline-model@latest \(GET https:\/\/management\.azure\.com\/.+\/models\/baseline-model\/versions\?.+\), not sent — job validate-registered-model-/m,
    );
    expect(text.stdout).toContain("Nothing was sent.");
  });
});
