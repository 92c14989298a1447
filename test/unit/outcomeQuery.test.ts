import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { kqlString, outcomeQuery } from "../../scripts/logs/outcomeQuery";
import { readFilter } from "../../scripts/logs/recordFilter";
import { kustoAnalyser } from "../support/kusto";
import { REPO_ROOT } from "../support/samples";

// The columns the queries read: `AppTraces` as the Logs query API shows it, and `traces` as the
// portal's view of the Application Insights resource does.
const { diagnostics, literals } = kustoAnalyser({
  traces:
    "(timestamp:datetime, message:string, severityLevel:int, operation_Id:string, itemCount:int)",
  AppTraces: "(TimeGenerated:datetime, Message:string, ItemCount:int)",
});

const NOW = Date.parse("2026-12-06T12:00:00Z");
const HOSTILE = 'evt" or 1 == 1 | take 5 // \\ \t\n\r é 🚀';

describe("kqlString", () => {
  it.each([
    ["plain"],
    ['say "hi"'],
    ["back\\slash\\"],
    ["tab\tnew\nline\rreturn"],
    ["é 🚀 \u202e"],
    [HOSTILE],
  ])("%j reads back exactly as Kusto parses it", (text) => {
    const literal = kqlString(text);
    expect(literals(`print x = ${literal}`)).toEqual([text]);
    expect(diagnostics(`print x = ${literal}`)).toEqual([]);
  });

  it("refuses a control character it has no escape for", () => {
    expect(() => kqlString("nul\u0000")).toThrow(/control characters/);
  });
});

describe("outcomeQuery", () => {
  const filter = readFilter({ event: HOSTILE, workflow: 'w"', model: "churn:3", since: "2h" }, NOW);

  it("has no diagnostic on AppTraces, with every filter or with none", () => {
    expect(diagnostics(outcomeQuery(filter))).toEqual([]);
    expect(diagnostics(outcomeQuery(readFilter({}, NOW)))).toEqual([]);
    expect(diagnostics(outcomeQuery(readFilter({ model: "churn" }, NOW)))).toEqual([]);
  });

  it("keeps each value inside its own literal: the hostile event id is one string, nothing leaks out", () => {
    const query = outcomeQuery(filter);
    // The record's escaping (tab, newline, return written out) is applied to the search value too.
    const asRecorded = HOSTILE.replace("\t", "\\u0009")
      .replace("\n", "\\u000a")
      .replace("\r", "\\u000d");
    expect(literals(query)).toEqual(["outcome {", asRecorded, 'w"', 'w".report', "churn:3"]);
    expect(query.match(/^\| where /gm)).toHaveLength(5);
    expect(query).toContain("| where TimeGenerated >= datetime(2026-12-06T10:00:00.000Z)");
  });

  it("asks only for what was filtered; a model name alone matches every version", () => {
    const query = outcomeQuery(readFilter({ model: "churn" }, NOW));
    expect(query).not.toMatch(/r\.event|r\.workflow/);
    expect(query).toContain('| where tostring(r.model) startswith_cs "churn:"');
    expect(query).toContain("| where TimeGenerated >= datetime(2026-12-06T11:00:00.000Z)");
    expect(query.split("\n").at(-2)).toBe("| top 1000 by TimeGenerated desc");
  });
});

describe("docs/deploy.md, on amlwf logs", () => {
  const docs = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
  const section = docs.slice(docs.indexOf("### From the command line: "));
  const blocks = [
    ...section.slice(0, section.indexOf("\n## ")).matchAll(/```kusto\n([\s\S]*?)\n```/g),
  ].map((m) => m[1] ?? "");
  const since = "2026-12-06T09:00:00Z";

  it("shows the query the command sends, exactly", () => {
    const event = "5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11";
    const workflow = "validate-registered-model";
    expect(blocks[0]).toBe(
      outcomeQuery(readFilter({ event, workflow, model: "credit-risk:3", since }, NOW)),
    );
  });

  it("has two queries there, each without a diagnostic", () => {
    expect(blocks).toHaveLength(2);
    for (const query of blocks) expect(diagnostics(query), query).toEqual([]);
  });
});
