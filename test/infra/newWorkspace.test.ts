import { beforeAll, describe, expect, it } from "vitest";

import { REJECTIONS_QUERY } from "../../infra/components/alerts";
import { TAGGABLE_TYPES } from "../../infra/tags";
import { checkCommonGraph } from "./commonChecks";
import {
  installMocks,
  loadProgram,
  registeredOptions,
  type RegisteredResource,
  settle,
  valueOf,
} from "./pulumiMocks";

let resources: RegisteredResource[];
let program: typeof import("../../infra/index");

beforeAll(async () => {
  resources = installMocks({
    "aml-event-workflows:tags": JSON.stringify({ team: "ml-platform", "cost-center": "4711" }),
    "aml-event-workflows:alertEmails": JSON.stringify(["ml-oncall@example.com"]),
  });
  program = await loadProgram();
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

describe("infra without amlWorkspaceId: creates a workspace", () => {
  const workspaceId =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/azure-native.machinelearningservices.Workspace/amlwf-ws";

  it("creates the workspace with identity-only storage, an RBAC key vault, App Insights and a CPU cluster from 0", () => {
    const ws = resources.find(
      (r) => r.type === "azure-native:machinelearningservices:Workspace",
    )?.inputs;
    expect(ws).toMatchObject({
      identity: { type: "SystemAssigned" },
      systemDatastoresAuthMode: "identity",
      storageAccount: expect.stringMatching(/StorageAccount\/amlwfml$/) as string,
      keyVault: expect.stringMatching(/Vault\/amlwf-kv$/) as string,
      applicationInsights: expect.stringMatching(/Component\/amlwf-insights$/) as string,
    });
    expect(resources.find((r) => r.type === "azure-native:keyvault:Vault")?.inputs).toMatchObject({
      properties: { enableRbacAuthorization: true },
    });
    expect(
      resources.find((r) => r.type === "azure-native:machinelearningservices:Compute")?.inputs,
    ).toMatchObject({
      computeName: "cpu-cluster",
      properties: {
        computeType: "AmlCompute",
        properties: { scaleSettings: { minNodeCount: 0, maxNodeCount: 2 } },
      },
    });
  });

  it("wires Event Grid, the function app, its code and its roles", () => {
    checkCommonGraph(resources, workspaceId);
    expect(
      resources.find((r) => r.type === "azure-native:eventgrid:SystemTopic")?.inputs.location,
    ).toBe("westeurope");
  });

  it("exports the seed's outputs and the new ones", async () => {
    expect(await valueOf(program.event_grid_topic_endpoint)).toBe(
      "https://amlwf-events.westeurope-1.eventgrid.azure.net/api/events",
    );
    expect(await valueOf(program.event_subscription_id)).toMatch(
      /EventSubscription\/amlwf-domain-to-function$/,
    );
    expect(await valueOf(program.system_topic_subscription_id)).toMatch(
      /SystemTopicEventSubscription\/amlwf-aml-to-function$/,
    );
    expect(await valueOf(program.workspace_id)).toBe(workspaceId);
    expect(await valueOf(program.function_app_name)).toBe("amlwf-func");
    expect(await valueOf(program.dead_letter_container_url)).toBe(
      "https://amlwfhost.blob.core.windows.net/deadletter",
    );
    expect(await valueOf(program.app_insights_id)).toMatch(
      /applicationinsights\.Component\/amlwf-insights$/,
    );
    expect(program.package_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("identity-only workspace storage", () => {
  const storage = expect.stringMatching(/StorageAccount\/amlwfml$/) as string;
  const rolesOn = (principal: string) =>
    resources
      .filter(
        (r) =>
          r.type === "azure-native:authorization:RoleAssignment" &&
          r.inputs.principalId === principal,
      )
      .map((r) => r.inputs);

  it("runs the cluster as a user-assigned identity holding the storage data roles", () => {
    const cluster = resources.find(
      (r) => r.type === "azure-native:machinelearningservices:Compute",
    )?.inputs;
    expect(cluster?.identity).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: [
        expect.stringMatching(/UserAssignedIdentity\/amlwf-compute-identity$/) as string,
      ],
    });
    const roles = rolesOn("principal-of-amlwf-compute-identity");
    expect(roles.map((r) => String(r.roleDefinitionId).split("/").at(-1)).sort()).toEqual(
      ["69566ab7-960f-475b-8e7c-b3118f30c6bd", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"].sort(),
    );
    for (const role of roles) expect(role).toMatchObject({ scope: storage });
  });

  it("lets the deploying identity (a user unless deployerPrincipalType says otherwise) upload to it, for register", () => {
    const roles = rolesOn("me");
    expect(roles.map((r) => String(r.roleDefinitionId).split("/").at(-1)).sort()).toEqual(
      ["69566ab7-960f-475b-8e7c-b3118f30c6bd", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"].sort(),
    );
    for (const role of roles) {
      expect(role).toMatchObject({ scope: storage });
      expect(role.principalType).toBe("User");
    }
  });
});

// What the program makes that has no ARM tags to set; a new type must be put in one list or the other.
const UNTAGGABLE = new Set([
  "azure-native:storage:BlobContainer",
  "azure-native:storage:Queue",
  "azure-native:storage:ManagementPolicy",
  "azure-native:authorization:RoleAssignment",
  "azure-native:eventgrid:DomainTopic",
  "azure-native:eventgrid:EventSubscription",
  "azure-native:eventgrid:SystemTopicEventSubscription",
  "azure-native:web:WebAppApplicationSettings",
  "command:local:Command",
  "pulumi:providers:azure-native",
  "pulumi:pulumi:Stack",
  "azure-native:monitor:DiagnosticSetting",
  "aml-event-workflows:index:AmlEventWorkflows",
]);

describe("the stack is one AmlEventWorkflows component", () => {
  it("parents every resource to it, each aliased to its old place at the top of the stack", () => {
    const component = "aml-event-workflows:index:AmlEventWorkflows::amlwf";
    expect(registeredOptions.get(component)).toMatchObject({
      parent: undefined,
      aliasedToTop: false,
    });
    const children = [...registeredOptions].filter(([key]) => key !== component);
    expect(children.length).toBeGreaterThanOrEqual(30);
    for (const [key, options] of children) {
      expect(options.parent, key).toBe(component);
      // Without the alias, `pulumi up` on a stack made before the component would replace
      // everything, the workspace and its storage included.
      expect(options.aliasedToTop, key).toBe(true);
    }
  });
});

describe("the coalescing windows' queue", () => {
  it("deploys the code only once its queue and the app's queue role exist: the trigger listens from the start", () => {
    const deploy = registeredOptions.get("command:local:Command::amlwf-deploy-code");
    expect(deploy?.dependsOn).toEqual(
      expect.arrayContaining([
        "azure-native:storage:Queue::amlwf-coalesce-windows",
        "azure-native:authorization:RoleAssignment::amlwf-func-host-queues",
      ]),
    );
  });
});

describe("tags", () => {
  it("puts the stack's project and stack tags and the stack's `tags` on every resource that takes tags", () => {
    for (const resource of resources) {
      expect(
        TAGGABLE_TYPES.has(resource.type) || UNTAGGABLE.has(resource.type),
        `${resource.type} is in neither list`,
      ).toBe(true);
      if (TAGGABLE_TYPES.has(resource.type))
        expect(resource.inputs.tags, resource.name).toEqual({
          project: "aml-event-workflows",
          stack: "test",
          team: "ml-platform",
          "cost-center": "4711",
        });
      else expect(resource.inputs.tags, resource.name).toBeUndefined();
    }
    expect(resources.filter((r) => TAGGABLE_TYPES.has(r.type)).length).toBeGreaterThanOrEqual(12);
  });
});

describe("a platform team's defaults", () => {
  const one = (type: string) => resources.filter((r) => r.type === type);
  it("turns local auth off where Entra ID serves: the domain takes tokens, telemetry goes with the app's identity", () => {
    expect(one("azure-native:eventgrid:Domain")[0]?.inputs.disableLocalAuth).toBe(true);
    expect(one("azure-native:applicationinsights:Component")[0]?.inputs.disableLocalAuth).toBe(
      true,
    );
    const settings = one("azure-native:web:WebAppApplicationSettings")[0]?.inputs.properties;
    expect(settings).toMatchObject({
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
    });
    expect(resources.find((r) => r.name === "amlwf-func-telemetry")?.inputs).toMatchObject({
      principalId: "principal-of-amlwf-func",
      scope: expect.stringMatching(/Component\/amlwf-insights$/) as string,
      roleDefinitionId: expect.stringMatching(/3913510d-42f4-4e42-8a64-420c390055eb$/) as string,
    });
  });

  it("protects the new workspace's Key Vault from purging", () => {
    expect(one("azure-native:keyvault:Vault")[0]?.inputs.properties).toMatchObject({
      enablePurgeProtection: true,
    });
  });

  it("sends Event Grid's, storage's and the function's logs and metrics to the stack's Log Analytics", () => {
    const settings = one("azure-native:monitor:DiagnosticSetting").map((d) => d.inputs);
    const scopes = settings.map((d) => String(d.resourceUri));
    expect(scopes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Domain\/amlwf-events$/),
        expect.stringMatching(/SystemTopic\/amlwf-aml-topic$/),
        expect.stringMatching(/StorageAccount\/amlwfhost\/blobServices\/default$/),
        expect.stringMatching(/WebApp\/amlwf-func$/),
      ]),
    );
    expect(settings).toHaveLength(4);
    for (const setting of settings)
      expect(setting).toMatchObject({
        workspaceId: expect.stringMatching(/Workspace\/amlwf-logs$/) as string,
        logs: [{ categoryGroup: "allLogs", enabled: true }],
      });
  });
});

describe("alerts", () => {
  const all = (type: string) => resources.filter((r) => r.type === type).map((r) => r.inputs);
  it("emails the stack's alertEmails on any dead-lettered event, from the domain and the workspace's topic", () => {
    const [group] = all("azure-native:monitor:ActionGroup");
    expect(group).toMatchObject({
      location: "Global",
      enabled: true,
      emailReceivers: [{ name: "email-1", emailAddress: "ml-oncall@example.com" }],
    });
    const deadLetters = all("azure-native:monitor:MetricAlert");
    expect(deadLetters.map((a) => String((a.scopes as string[])[0]))).toEqual([
      expect.stringMatching(/Domain\/amlwf-events$/),
      expect.stringMatching(/SystemTopic\/amlwf-aml-topic$/),
    ]);
    for (const alert of deadLetters)
      expect(alert).toMatchObject({
        criteria: {
          allOf: [{ metricName: "DeadLetteredCount", operator: "GreaterThan", threshold: 0 }],
        },
        actions: [{ actionGroupId: expect.stringMatching(/ActionGroup\/amlwf-alerts$/) as string }],
      });
  });

  it("and on any rejection the function logs, read from Application Insights", () => {
    const [rule] = all("azure-native:monitor:ScheduledQueryRule");
    expect(rule).toMatchObject({
      kind: "LogAlert",
      scopes: [expect.stringMatching(/Component\/amlwf-insights$/)],
      criteria: { allOf: [{ query: REJECTIONS_QUERY, operator: "GreaterThan", threshold: 0 }] },
      actions: { actionGroups: [expect.stringMatching(/ActionGroup\/amlwf-alerts$/)] },
    });
  });
  it("deploys a workbook on Application Insights charting the records and the dead letters of what it watches", () => {
    const [book] = all("azure-native:applicationinsights:Workbook");
    expect(book).toMatchObject({ kind: "shared", category: "workbook" });
    expect(String(book?.sourceId)).toMatch(/component\/amlwf-insights$/);
    const data = JSON.parse(String(book?.serializedData)) as {
      items: { type: number; content: { query?: string; resourceIds?: string[] } }[];
    };
    expect(data.items.some((i) => i.content.query?.includes('startswith "outcome {"'))).toBe(true);
    expect(
      data.items.filter((i) => i.type === 10).flatMap((i) => i.content.resourceIds ?? []),
    ).toEqual([
      expect.stringMatching(/Domain\/amlwf-events$/),
      expect.stringMatching(/SystemTopic\/amlwf-aml-topic$/),
    ]);
  });
});
