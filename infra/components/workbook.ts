import { createHash } from "node:crypto";

import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as pulumi from "@pulumi/pulumi";

import {
  DEAD_LETTER_METRIC,
  EVENTS_BY_TYPE_AND_OUTCOME,
  JOBS_PER_WORKFLOW,
  REJECTIONS,
  SUBMIT_LATENCY,
} from "./workbookQueries";

const DAY_MS = 86_400_000;
// Any fixed namespace: it only keeps these ids apart from other name-based UUIDs.
const NAMESPACE = Buffer.from("6a0c3f0e6b1d4f5e9a7c2d8b4e1f0a93", "hex");

/** A UUID (version 5) made from `name`: the same name gives the same id on every `pulumi up`. */
export function uuidFromName(name: string): string {
  const hash = createHash("sha1").update(NAMESPACE).update(name).digest();
  // RFC 9562: version 5 in the 7th byte's high nibble, variant 10 in the 9th byte's top bits.
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Visualization = "timechart" | "barchart" | "table";

function query(
  name: string,
  title: string,
  kql: string,
  visualization: Visualization,
  insightsId: string,
) {
  return {
    type: 3,
    name,
    content: {
      version: "KqlItem/1.0",
      query: kql,
      size: 0,
      title,
      timeContextFromParameter: "TimeRange",
      timeContext: { durationMs: DAY_MS },
      queryType: 0,
      resourceType: "microsoft.insights/components",
      crossComponentResources: [insightsId],
      visualization,
      ...(visualization === "table" ? { gridSettings: { filter: true } } : {}),
    },
  };
}

/** `microsoft.eventgrid/domains` for a domain's ARM id: the metric item's resource type. */
function resourceType(id: string): string {
  const found = /\/providers\/([^/]+)\/([^/]+)\/[^/]+$/i.exec(id);
  return found ? `${found[1]}/${found[2]}`.toLowerCase() : "unknown";
}

/** One chart of dead letters per Event Grid resource type (a metrics item takes one type). */
function deadLetters(eventGridSourceIds: string[]) {
  const byType = new Map<string, string[]>();
  for (const id of eventGridSourceIds) {
    const type = resourceType(id);
    byType.set(type, [...(byType.get(type) ?? []), id]);
  }
  return [...byType].map(([type, resourceIds]) => ({
    type: 10,
    name: `dead-letters-${type.split("/").pop() ?? type}`,
    content: {
      chartId: `workbook${uuidFromName(`dead-letters ${type}`)}`,
      version: "MetricsItem/2.0",
      size: 0,
      chartType: 2,
      resourceType: type,
      metricScope: 0,
      resourceIds,
      timeContextFromParameter: "TimeRange",
      timeContext: { durationMs: DAY_MS },
      // Aggregation 1 is Total (sum): Event Grid reports this metric as a count per minute.
      metrics: [{ namespace: type, metric: `${type}--${DEAD_LETTER_METRIC}`, aggregation: 1 }],
      title: `Dead-lettered events (${type.split("/").pop() ?? type})`,
      gridSettings: { rowLimit: 10000 },
    },
  }));
}

/** The workbook's content (schema Notebook/1.0): the outcome records' charts over Application Insights, and Event Grid's dead letters. */
export function workbookDefinition(eventGridSourceIds: string[], insightsId: string) {
  return {
    version: "Notebook/1.0",
    items: [
      {
        type: 1,
        name: "about",
        content: {
          json: "## Events to jobs\nWhat the function did with each event, from its `outcome {…}` log lines (docs/deploy.md, *Watching it*). Dead letters come from Event Grid's metrics: events it gave up delivering, so nothing ran for them.",
        },
      },
      {
        type: 9,
        name: "parameters",
        content: {
          version: "KqlParameterItem/1.0",
          parameters: [
            {
              id: uuidFromName("TimeRange"),
              version: "KqlParameterItem/1.0",
              name: "TimeRange",
              label: "Time range",
              type: 4,
              isRequired: true,
              value: { durationMs: DAY_MS },
              typeSettings: {
                selectableValues: [1, 24, 168, 720].map((hours) => ({
                  durationMs: hours * 3_600_000,
                })),
                allowCustom: true,
              },
            },
          ],
          style: "pills",
        },
      },
      query(
        "events-by-type-and-outcome",
        "Outcomes by event type",
        EVENTS_BY_TYPE_AND_OUTCOME,
        "timechart",
        insightsId,
      ),
      query(
        "jobs-per-workflow",
        "Jobs submitted per workflow",
        JOBS_PER_WORKFLOW,
        "barchart",
        insightsId,
      ),
      query(
        "submit-latency",
        "Event to submitted job (ms)",
        SUBMIT_LATENCY,
        "timechart",
        insightsId,
      ),
      query("rejections", "Rejections", REJECTIONS, "table", insightsId),
      ...deadLetters(eventGridSourceIds),
    ],
    fallbackResourceIds: [insightsId],
    $schema:
      "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json",
  };
}

/** A shared Azure Monitor workbook on Application Insights: events by outcome, jobs, latency, rejections, dead letters. */
export function workbook(
  name: string,
  inputs: {
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    insightsId: pulumi.Input<string>;
    eventGridSources: pulumi.Input<string>[];
  },
  opts?: pulumi.CustomResourceOptions,
): applicationinsights.Workbook {
  return new applicationinsights.Workbook(
    name,
    {
      // A workbook's name must be a UUID; a random one would replace it on every `pulumi up`, and
      // two stacks deploying into one resource group must not share one.
      resourceName: uuidFromName(`${pulumi.getProject()}/${pulumi.getStack()}/${name}`),
      resourceGroupName: inputs.resourceGroupName,
      location: inputs.location,
      kind: "shared",
      category: "workbook",
      displayName: `AML event workflows (${name})`,
      // Lower case, as the workbook API keeps it (https://www.pulumi.com/registry/packages/azure/api-docs/appinsights/workbook/).
      sourceId: pulumi.output(inputs.insightsId).apply((id) => id.toLowerCase()),
      serializedData: pulumi
        .all([inputs.insightsId, pulumi.all(inputs.eventGridSources)])
        .apply(([insightsId, sources]) => JSON.stringify(workbookDefinition(sources, insightsId))),
    },
    { ...opts },
  );
}
