import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { REJECTIONS } from "../../infra/components/workbookQueries";

const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
const SUB = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers";
const INSIGHTS = `${SUB}/Microsoft.Insights/components/AmlWf-Insights`;
const DOMAIN = `${SUB}/Microsoft.EventGrid/domains/amlwf-events`;

beforeAll(() =>
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
        });
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "aml-event-workflows",
    "test",
    false,
  ),
);

describe("workbook", () => {
  it("makes a shared workbook on Application Insights, named by a UUID from its name, with the definition as JSON", async () => {
    const { uuidFromName, workbook } = await import("../../infra/components/workbook");
    const made = workbook("amlwf-workbook", {
      resourceGroupName: "amlwf-rg",
      location: "westeurope",
      insightsId: pulumi.output(INSIGHTS),
      eventGridSources: [pulumi.output(DOMAIN)],
    });
    await new Promise<string>((resolve) => made.id.apply(resolve));
    const workbooks = registered.filter(
      (r) => r.type === "azure-native:applicationinsights:Workbook",
    );
    expect(workbooks).toHaveLength(1);
    const [first] = workbooks;
    expect(first?.inputs).toMatchObject({
      resourceGroupName: "amlwf-rg",
      location: "westeurope",
      kind: "shared",
      category: "workbook",
      sourceId: INSIGHTS.toLowerCase(),
      // The same project, stack and name, the same resource name: a second `pulumi up` updates it in place.
      resourceName: uuidFromName("aml-event-workflows/test/amlwf-workbook"),
    });
    const data = JSON.parse(first?.inputs.serializedData as string) as {
      items: { type: number; content: { query?: string; resourceIds?: string[] } }[];
    };
    expect(data.items.map((i) => i.content.query)).toContain(REJECTIONS);
    expect(data.items.find((i) => i.type === 10)?.content.resourceIds).toEqual([DOMAIN]);
  });
});
