import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { uuidFromName, workbookDefinition } from "../../infra/components/workbook";
import { KQL_QUERIES } from "../../infra/components/workbookQueries";
import type { EventOutcome } from "../../shared/core/outcome";
import {
  type OutcomeRecord,
  outcomeRecordLine,
  outcomeRecords,
} from "../../shared/core/outcomeRecords";
import { REPO_ROOT } from "../support/samples";

const SUB = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers";
const DOMAIN = `${SUB}/Microsoft.EventGrid/domains/amlwf-events`;
const TOPICS = [1, 2].map((i) => `${SUB}/Microsoft.EventGrid/systemTopics/amlwf-aml-${i}`);
const INSIGHTS = `${SUB}/Microsoft.Insights/components/amlwf-insights`;

interface Item {
  type: number;
  name: string;
  content: Record<string, unknown>;
}
const definition = () =>
  JSON.parse(JSON.stringify(workbookDefinition([DOMAIN, ...TOPICS], INSIGHTS))) as {
    version: string;
    items: Item[];
  };

// Every field of the record type: the compiler refuses this object if one is missing or extra.
const RECORD_FIELDS: Record<keyof OutcomeRecord, true> = {
  event: true,
  eventType: true,
  workflow: true,
  job: true,
  model: true,
  outcome: true,
  latencyMs: true,
};

// Records the function logs, with every field filled in somewhere: the fields a query may read.
const EMITTED = (() => {
  const outcome: EventOutcome = {
    kind: "processed",
    event: {
      id: "e",
      type: "T",
      source: "s",
      subject: "",
      time: "2026-01-01T00:00:00Z",
      model: "m:1",
      key: "k",
    },
    skipped: [],
    workflows: [{ kind: "rejected", workflow: "w", jobName: "w-1", reason: "r" }],
  };
  const lines = outcomeRecords(outcome, Date.parse("2026-01-01T00:00:01Z")).map(outcomeRecordLine);
  return lines.map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>);
})();

describe("the workbook's queries", () => {
  it("read only fields the outcome records carry", () => {
    const fields = new Set(EMITTED.flatMap((r) => Object.keys(r)));
    expect([...fields].sort()).toEqual(Object.keys(RECORD_FIELDS).sort());
    for (const [name, query] of Object.entries(KQL_QUERIES)) {
      const read = [...query.matchAll(/\br\.(\w+)/g)].map((m) => m[1]);
      expect(read.length, name).toBeGreaterThan(0);
      for (const field of read) expect(fields, `${name} reads r.${field}`).toContain(field);
    }
  });

  it("find a record line and parse its JSON from where the query cuts it", () => {
    const line = outcomeRecordLine(
      outcomeRecords(
        {
          kind: "ignored",
          event: { id: "e", type: "T", source: "", subject: "" },
          reason: "",
          skipped: [],
        },
        0,
      )[0]!,
    );
    for (const [name, query] of Object.entries(KQL_QUERIES)) {
      const prefix = /message startswith "([^"]*\{)"/.exec(query)?.[1];
      const from = Number(/parse_json\(substring\(message, (\d+)\)\)/.exec(query)?.[1]);
      expect(line.startsWith(prefix ?? "<none>"), name).toBe(true);
      expect(JSON.parse(line.slice(from)), name).toMatchObject({ event: "e", outcome: "ignored" });
    }
  });
});

describe("workbookDefinition", () => {
  it("is Notebook/1.0 JSON whose query items run the exported queries on Application Insights", () => {
    const { version, items } = definition();
    expect(version).toBe("Notebook/1.0");
    const queries = items.filter((i) => i.type === 3);
    expect(queries.map((q) => q.content.query)).toEqual([
      KQL_QUERIES.eventsByTypeAndOutcome,
      KQL_QUERIES.jobsPerWorkflow,
      KQL_QUERIES.submitLatency,
      KQL_QUERIES.rejections,
    ]);
    expect(queries.map((q) => q.content.visualization)).toEqual([
      "timechart",
      "barchart",
      "timechart",
      "table",
    ]);
    for (const q of queries)
      expect(q.content).toMatchObject({
        version: "KqlItem/1.0",
        queryType: 0,
        resourceType: "microsoft.insights/components",
        crossComponentResources: [INSIGHTS],
        timeContextFromParameter: "TimeRange",
      });
    const parameters = items.find((i) => i.type === 9)?.content.parameters as { name: string }[];
    expect(parameters.map((p) => p.name)).toEqual(["TimeRange"]);
    expect(new Set(items.map((i) => i.name)).size).toBe(items.length);
  });

  it("charts Event Grid's DeadLetteredCount, one metrics item per resource type", () => {
    const metrics = definition().items.filter((i) => i.type === 10);
    expect(metrics.map((m) => [m.content.resourceType, m.content.resourceIds])).toEqual([
      ["microsoft.eventgrid/domains", [DOMAIN]],
      ["microsoft.eventgrid/systemtopics", TOPICS],
    ]);
    expect(metrics[1]?.content.metrics).toEqual([
      {
        namespace: "microsoft.eventgrid/systemtopics",
        metric: "microsoft.eventgrid/systemtopics--DeadLetteredCount",
        aggregation: 1,
      },
    ]);
    expect(workbookDefinition([], INSIGHTS).items.filter((i) => i.type === 10)).toEqual([]);
  });
});

describe("uuidFromName", () => {
  it("is a lower-case version 5 UUID, the same for the same name and another for another", () => {
    const id = uuidFromName("amlwf-workbook");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromName("amlwf-workbook")).toBe(id);
    expect(uuidFromName("other-workbook")).not.toBe(id);
  });
});

describe("docs/deploy.md", () => {
  it("shows every exported query exactly as the workbook and the alert run it", () => {
    const docs = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
    for (const [name, query] of Object.entries(KQL_QUERIES))
      expect(docs.includes(`\`\`\`kusto\n${query}\n\`\`\``), name).toBe(true);
  });
});
