import { beforeAll, describe, expect, it } from "vitest";

import { PRIVATE_DNS_ZONES } from "../../infra/components/privateNetwork";
import { TAGGABLE_TYPES } from "../../infra/tags";
import {
  installMocks,
  loadProgram,
  registeredOptions,
  type RegisteredResource,
  settle,
  valueOf,
} from "./pulumiMocks";

let resources: RegisteredResource[];
// Resource inputs as the mocks saw them: shapes the SDK's types do not describe here.
type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The value at a path through nested inputs. */
const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v as Record<string | number, unknown> | undefined)?.[key],
    value,
  );
const ofType = (type: string) => resources.filter((r) => r.type === type);
const named = (name: string) => resources.find((r) => r.name === name)?.inputs as Inputs;

// A platform team's stack: their resource group, tags and names, private networking, a new workspace.
beforeAll(async () => {
  resources = installMocks(
    {
      "aml-event-workflows:privateNetworking": "true",
      "aml-event-workflows:resourceGroupName": "rg-ml-events-prod",
      "aml-event-workflows:tags": JSON.stringify({ env: "prod", "cost-center": "4711" }),
      "aml-event-workflows:namingPattern": "{abbr}-{prefix}-{role}-{stack}",
    },
    "private",
  );
  const program = await loadProgram();
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

describe("private networking, tags and an existing resource group", () => {
  it("leaves no public network access on, but the function's inbound, which Event Grid needs", () => {
    for (const type of [
      "azure-native:storage:StorageAccount",
      "azure-native:eventgrid:Domain",
      "azure-native:machinelearningservices:Workspace",
    ]) {
      expect(ofType(type).length, type).toBeGreaterThan(0);
      for (const r of ofType(type)) expect(r.inputs.publicNetworkAccess, r.name).toBe("Disabled");
    }
    for (const account of ofType("azure-native:storage:StorageAccount"))
      // Event Grid writes dead letters as a trusted service, with the topic's system identity.
      expect(account.inputs.networkRuleSet, account.name).toEqual({
        defaultAction: "Deny",
        bypass: "AzureServices",
      });
    expect(named("amlwf-kv").properties).toMatchObject({
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny" },
    });
    expect(named("amlwf-ws").managedNetwork).toMatchObject({
      isolationMode: "AllowInternetOutbound",
    });
    expect(at(named("amlwf-cpu-cluster"), "properties", "properties", "enableNodePublicIp")).toBe(
      false,
    );
    const app = named("amlwf-func");
    expect(app.publicNetworkAccess).toBeUndefined();
    expect(app.virtualNetworkSubnetId).toMatch(/VirtualNetwork\/amlwf-vnet\/subnets\/function$/);
  });

  it("makes a network whose function subnet is delegated as Flex Consumption requires", () => {
    const vnets = ofType("azure-native:network:VirtualNetwork");
    expect(vnets).toHaveLength(1);
    expect(vnets[0]?.inputs).toMatchObject({
      resourceGroupName: "rg-ml-events-prod",
      addressSpace: { addressPrefixes: ["10.42.0.0/16"] },
      subnets: [
        {
          name: "function",
          addressPrefix: "10.42.0.0/24",
          delegations: [{ serviceName: "Microsoft.App/environments" }],
        },
        { name: "private-endpoints", addressPrefix: "10.42.1.0/24" },
      ],
    });
  });

  it("gives storage, Event Grid, the workspace and its vault private endpoints, each in its DNS zones", () => {
    const endpoints = new Map(
      ofType("azure-native:network:PrivateEndpoint").map((e) => [
        e.name,
        at(e.inputs, "privateLinkServiceConnections", 0) as Inputs,
      ]),
    );
    const expected = {
      "amlwfhost-blob-pe": ["blob", /StorageAccount\/amlwfhost$/],
      // The coalescing windows' queue trigger and its sends reach the host account's queues.
      "amlwfhost-queue-pe": ["queue", /StorageAccount\/amlwfhost$/],
      "amlwf-events-pe": ["domain", /Domain\/amlwf-events$/],
      "amlwf-ws-pe": ["amlworkspace", /Workspace\/amlwf-ws$/],
      "amlwfml-blob-pe": ["blob", /StorageAccount\/amlwfml$/],
      "amlwfml-file-pe": ["file", /StorageAccount\/amlwfml$/],
      "amlwf-kv-pe": ["vault", /Vault\/amlwf-kv$/],
    } as const;
    expect([...endpoints.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, [group, target]] of Object.entries(expected)) {
      expect(endpoints.get(name)?.groupIds, name).toEqual([group]);
      expect(endpoints.get(name)?.privateLinkServiceId, name).toMatch(target);
      const zoneGroup = named(`${name}-dns`);
      expect(
        (zoneGroup.privateDnsZoneConfigs as Inputs[]).map((c) =>
          String(c.privateDnsZoneId).split("/").at(-1),
        ),
        name,
      ).toEqual(PRIVATE_DNS_ZONES[group].map((zone) => `amlwf-${zone}`));
    }
    // One zone each, linked to the network.
    const zones = ofType("azure-native:privatedns:PrivateZone").map(
      (z) => z.inputs.privateZoneName,
    );
    expect(zones.sort()).toEqual(
      [...new Set(Object.values(expected).flatMap(([g]) => PRIVATE_DNS_ZONES[g]))].sort(),
    );
    for (const link of ofType("azure-native:privatedns:VirtualNetworkLink"))
      expect(at(link.inputs, "virtualNetwork", "id")).toMatch(/VirtualNetwork\/amlwf-vnet$/);
    expect(ofType("azure-native:privatedns:VirtualNetworkLink")).toHaveLength(zones.length);
  });

  it("deploys the code only once the host storage's endpoints and their DNS exist", () => {
    const deploy = registeredOptions.get("command:local:Command::amlwf-deploy-code");
    expect(deploy?.dependsOn).toEqual(
      expect.arrayContaining([
        "azure-native:network:PrivateEndpoint::amlwfhost-blob-pe",
        "azure-native:network:PrivateDnsZoneGroup::amlwfhost-blob-pe-dns",
        "azure-native:network:PrivateEndpoint::amlwfhost-queue-pe",
        "azure-native:network:PrivateDnsZoneGroup::amlwfhost-queue-pe-dns",
      ]),
    );
  });

  it("tags every resource that takes tags, in the existing resource group", () => {
    expect(ofType("azure-native:resources:ResourceGroup")).toHaveLength(0);
    const tagged = resources.filter((r) => TAGGABLE_TYPES.has(r.type));
    expect(tagged.length).toBeGreaterThanOrEqual(25);
    for (const r of tagged)
      expect(r.inputs.tags, `${r.type} ${r.name}`).toEqual({
        project: "aml-event-workflows",
        stack: "private",
        env: "prod",
        "cost-center": "4711",
      });
    for (const r of resources.filter((r) => "resourceGroupName" in r.inputs))
      expect(r.inputs.resourceGroupName, r.name).toBe("rg-ml-events-prod");
  });

  it("sends Event Grid's, storage's and the function's diagnostics to the stack's Log Analytics", () => {
    const targets = ofType("azure-native:monitor:DiagnosticSetting").map((d) =>
      String(d.inputs.resourceUri),
    );
    for (const target of [
      /Domain\/amlwf-events$/,
      /SystemTopic\/amlwf-aml-topic$/,
      /StorageAccount\/amlwfhost\/blobServices\/default$/,
      /WebApp\/amlwf-func$/,
    ])
      expect(
        targets.some((t) => target.test(t)),
        String(target),
      ).toBe(true);
  });

  it("names resources by the team's pattern, with no random suffix", () => {
    const names = (type: string, property: string) =>
      ofType(type)
        .map((r) => String(r.inputs[property]))
        .sort();
    expect(names("azure-native:web:WebApp", "name")).toEqual(["func-amlwf-private"]);
    expect(names("azure-native:web:AppServicePlan", "name")).toEqual(["asp-amlwf-private"]);
    expect(names("azure-native:storage:StorageAccount", "accountName")).toEqual([
      "stamlwfhostprivate",
      "stamlwfmlprivate",
    ]);
    expect(names("azure-native:keyvault:Vault", "vaultName")).toEqual(["kv-amlwf-private"]);
    expect(names("azure-native:machinelearningservices:Workspace", "workspaceName")).toEqual([
      "mlw-amlwf-private",
    ]);
    expect(names("azure-native:eventgrid:Domain", "domainName")).toEqual(["evgd-amlwf-private"]);
    expect(names("azure-native:eventgrid:SystemTopic", "systemTopicName")).toEqual([
      "evgst-amlwf-aml-private",
    ]);
    expect(names("azure-native:network:PrivateEndpoint", "privateEndpointName")).toEqual(
      expect.arrayContaining(["pep-amlwf-host-blob-private", "pep-amlwf-host-queue-private"]),
    );
    expect(names("azure-native:monitor:ScheduledQueryRule", "ruleName")).toEqual([
      "alert-amlwf-rejections-private",
    ]);
    // The cluster keeps computeName; containers, roles and subscriptions keep their fixed names.
    expect(named("amlwf-cpu-cluster").computeName).toBe("cpu-cluster");
  });
});
