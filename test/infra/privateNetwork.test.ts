import { Provider } from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import {
  PRIVATE_DNS_ZONES,
  privateNetwork,
  subnetPrefixes,
  virtualNetworkIdOf,
} from "../../infra/components/privateNetwork";
import { installMocks, type RegisteredResource, settle, valueOf } from "./pulumiMocks";

const HUB =
  "/subscriptions/22222222-0000-0000-0000-000000000000/resourceGroups/hub-rg/providers/Microsoft.Network/virtualNetworks/hub-vnet";
const SPOKE =
  "/subscriptions/33333333-0000-0000-0000-000000000000/resourceGroups/spoke-rg/providers/Microsoft.Network/virtualNetworks/spoke-vnet";
const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/host";
const WORKSPACE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

let resources: RegisteredResource[];
let created: { functionSubnetId: string; endpointSubnetId: string };
let providerName: string;

const ofPrefix = (prefix: string, type: string) =>
  resources.filter((r) => r.type === type && r.name.startsWith(`${prefix}-`));

beforeAll(async () => {
  resources = installMocks({}, "private-network");
  await pulumi.runtime.runInPulumiStack(async () => {
    // Every resource must carry the caller's options: a provider stands in for `{ parent }`.
    const provider = new Provider("net-provider", {});
    providerName = "net-provider";
    const opts = { provider };
    const own = privateNetwork(
      "new",
      { resourceGroupName: "rg", location: "westeurope", createDnsZones: true },
      opts,
    );
    own.privateEndpoint("new-pe-blob", STORAGE, "blob");
    own.privateEndpoint("new-pe-ws", WORKSPACE, "amlworkspace");
    // A second blob endpoint reuses the zone made for the first.
    own.privateEndpoint("new-pe-blob2", `${STORAGE}2`, "blob");
    created = {
      functionSubnetId: await valueOf(own.functionSubnetId),
      endpointSubnetId: await valueOf(own.endpointSubnetId),
    };

    const hub = privateNetwork(
      "hub",
      {
        resourceGroupName: "rg",
        location: "westeurope",
        createDnsZones: true,
        existingSubnets: {
          functionSubnetId: `${SPOKE}/subnets/functions`,
          endpointSubnetId: `${HUB}/subnets/endpoints`,
        },
      },
      opts,
    );
    hub.privateEndpoint(
      "hub-pe-domain",
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventGrid/domains/d",
      "domain",
    );

    const policy = privateNetwork(
      "policy",
      {
        resourceGroupName: "rg",
        location: "westeurope",
        createDnsZones: false,
        existingSubnets: {
          functionSubnetId: `${HUB}/subnets/functions`,
          endpointSubnetId: `${HUB}/subnets/endpoints`,
        },
        zoneIds: { "privatelink.vaultcore.azure.net": "/zones/vault-in-hub" },
      },
      opts,
    );
    const cased = privateNetwork(
      "cased",
      {
        resourceGroupName: "rg",
        location: "westeurope",
        createDnsZones: true,
        existingSubnets: {
          functionSubnetId: `${HUB}/subnets/functions`,
          endpointSubnetId: `${HUB.replace("resourceGroups/hub-rg", "resourcegroups/HUB-RG")}/subnets/endpoints`,
        },
      },
      opts,
    );
    cased.privateEndpoint("cased-pe-file", STORAGE, "file");
    policy.privateEndpoint("policy-pe-vault", "/kv", "vault");
    policy.privateEndpoint("policy-pe-queue", STORAGE, "queue");
    return {};
  });
  await settle();
}, 60_000);

describe("privateNetwork with no subnets given: creates the network", () => {
  it("delegates the function subnet to Microsoft.App/environments and keeps the endpoints apart", () => {
    const [vnet, ...more] = ofPrefix("new", "azure-native:network:VirtualNetwork");
    expect(more).toEqual([]);
    expect(vnet?.inputs).toMatchObject({
      addressSpace: { addressPrefixes: ["10.42.0.0/16"] },
      subnets: [
        {
          name: "function",
          addressPrefix: "10.42.0.0/24",
          delegations: [{ serviceName: "Microsoft.App/environments" }],
        },
        {
          name: "private-endpoints",
          addressPrefix: "10.42.1.0/24",
          privateEndpointNetworkPolicies: "Disabled",
        },
      ],
    });
    expect(created.functionSubnetId).toMatch(/VirtualNetwork\/new-vnet\/subnets\/function$/);
    expect(created.endpointSubnetId).toMatch(
      /VirtualNetwork\/new-vnet\/subnets\/private-endpoints$/,
    );
    expect(ofPrefix("new", "azure-native:network:Subnet")).toEqual([]);
  });

  it("connects each endpoint to its target's groupId from the endpoints' subnet", () => {
    const endpoint = (name: string) =>
      resources.find((r) => r.type === "azure-native:network:PrivateEndpoint" && r.name === name)
        ?.inputs;
    expect(endpoint("new-pe-blob")).toMatchObject({
      subnet: { id: created.endpointSubnetId },
      privateLinkServiceConnections: [{ privateLinkServiceId: STORAGE, groupIds: ["blob"] }],
    });
    expect(endpoint("new-pe-ws")).toMatchObject({
      privateLinkServiceConnections: [
        { privateLinkServiceId: WORKSPACE, groupIds: ["amlworkspace"] },
      ],
    });
  });

  it("gives each endpoint one zone group naming the zones of its groupId", () => {
    const groups = (endpointName: string) =>
      resources.filter(
        (r) =>
          r.type === "azure-native:network:PrivateDnsZoneGroup" &&
          r.inputs.privateEndpointName === endpointName,
      );
    const zoneIds = (endpointName: string) =>
      (groups(endpointName)[0]?.inputs.privateDnsZoneConfigs as { privateDnsZoneId: string }[]).map(
        (c) => c.privateDnsZoneId,
      );
    for (const name of ["new-pe-blob", "new-pe-ws", "new-pe-blob2"])
      expect(groups(name), name).toHaveLength(1);
    expect(zoneIds("new-pe-blob")).toEqual([
      expect.stringMatching(/PrivateZone\/new-privatelink\.blob\.core\.windows\.net$/),
    ]);
    expect(zoneIds("new-pe-blob2")).toEqual(zoneIds("new-pe-blob"));
    expect(zoneIds("new-pe-ws")).toEqual([
      expect.stringMatching(/PrivateZone\/new-privatelink\.api\.azureml\.ms$/),
      expect.stringMatching(/PrivateZone\/new-privatelink\.notebooks\.azure\.net$/),
    ]);
  });

  it("creates each zone once, by its exact name, in the global location, linked to the network", () => {
    const zones = ofPrefix("new", "azure-native:privatedns:PrivateZone");
    expect(zones.map((z) => z.inputs.privateZoneName).sort()).toEqual(
      [...PRIVATE_DNS_ZONES.blob, ...PRIVATE_DNS_ZONES.amlworkspace].sort(),
    );
    for (const zone of zones) expect(zone.inputs.location).toBe("global");
    const links = ofPrefix("new", "azure-native:privatedns:VirtualNetworkLink");
    expect(links).toHaveLength(zones.length);
    for (const link of links)
      expect(link.inputs).toMatchObject({
        registrationEnabled: false,
        virtualNetwork: { id: expect.stringMatching(/VirtualNetwork\/new-vnet$/) as string },
      });
  });

  it("passes the caller's options to every resource it makes", () => {
    const made = resources.filter((r) => /^(new|hub|policy)-/.test(r.name));
    expect(made.length).toBeGreaterThan(10);
    for (const r of made) expect(r.provider, r.name).toContain(`::${providerName}::`);
  });
});

describe("privateNetwork with a platform team's subnets", () => {
  it("creates no network and puts the endpoints in the given subnet", () => {
    expect(
      resources.filter(
        (r) => r.type === "azure-native:network:VirtualNetwork" && r.name !== "new-vnet",
      ),
    ).toEqual([]);
    expect(resources.find((r) => r.name === "hub-pe-domain")?.inputs).toMatchObject({
      subnet: { id: `${HUB}/subnets/endpoints` },
      privateLinkServiceConnections: [{ groupIds: ["domain"] }],
    });
  });

  it("links the zones to both the function's and the endpoints' networks", () => {
    const linked = ofPrefix("hub", "azure-native:privatedns:VirtualNetworkLink").map(
      (l) => (l.inputs.virtualNetwork as { id: string }).id,
    );
    expect(linked.sort()).toEqual([HUB, SPOKE].sort());
  });

  it("links a network once when the two subnet ids spell it in different case", () => {
    expect(ofPrefix("cased", "azure-native:privatedns:VirtualNetworkLink")).toHaveLength(1);
  });

  it("with createDnsZones off, uses the zones it is given and leaves the others to the platform", () => {
    expect(ofPrefix("policy", "azure-native:privatedns:PrivateZone")).toEqual([]);
    const groups = ofPrefix("policy", "azure-native:network:PrivateDnsZoneGroup");
    expect(groups.map((g) => g.inputs)).toEqual([
      expect.objectContaining({
        privateEndpointName: "policy-pe-vault",
        privateDnsZoneConfigs: [
          expect.objectContaining({ privateDnsZoneId: "/zones/vault-in-hub" }),
        ],
      }),
    ]);
    expect(resources.find((r) => r.name === "policy-pe-queue")).toBeDefined();
  });
});

describe("address arithmetic", () => {
  it("takes the first two /24s of the address space", () => {
    expect(subnetPrefixes("172.16.8.0/22")).toEqual({
      functionPrefix: "172.16.8.0/24",
      endpointPrefix: "172.16.9.0/24",
    });
    expect(() => subnetPrefixes("10.0.0.0/24")).toThrow(/\/8 to \/23/);
    expect(() => subnetPrefixes("10.0.300.0/16")).toThrow(/addressSpace/);
  });

  it("reads the network id out of a subnet id and refuses anything else", () => {
    expect(virtualNetworkIdOf(`${HUB}/subnets/endpoints`)).toBe(HUB);
    expect(() => virtualNetworkIdOf(HUB)).toThrow(/not a subnet/);
  });
});
