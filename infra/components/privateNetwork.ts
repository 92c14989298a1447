import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";

/**
 * The private DNS zones each private-endpoint sub-resource (groupId) needs, in Azure's public cloud
 * (https://learn.microsoft.com/azure/private-link/private-endpoint-dns).
 */
export const PRIVATE_DNS_ZONES = {
  blob: ["privatelink.blob.core.windows.net"],
  queue: ["privatelink.queue.core.windows.net"],
  file: ["privatelink.file.core.windows.net"],
  vault: ["privatelink.vaultcore.azure.net"],
  domain: ["privatelink.eventgrid.azure.net"],
  amlworkspace: ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
} as const satisfies Record<string, readonly string[]>;

/** A private-endpoint sub-resource this program connects to. */
export type PrivateLinkGroup = keyof typeof PRIVATE_DNS_ZONES;

/** The address space of a network the stack creates when it is given no subnets. */
export const DEFAULT_ADDRESS_SPACE = "10.42.0.0/16";

/** Where the network lives and which subnets, zones and address space it uses. */
export interface PrivateNetworkInputs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** For a network the stack creates; its first two /24s become the subnets. */
  addressSpace?: string;
  /** A platform team's subnets: the function's (delegated to Microsoft.App/environments) and the endpoints'. */
  existingSubnets?: { functionSubnetId: string; endpointSubnetId: string };
  /** Create each zone an endpoint needs and link it to the network(s); else use `zoneIds`. */
  createDnsZones: boolean;
  /** Existing zones by name (a hub's); an endpoint whose zones are neither created nor given gets no zone group. */
  zoneIds?: Partial<Record<string, pulumi.Input<string>>>;
}

/** The subnets to join and a maker of private endpoints registered in the network's DNS. */
export interface PrivateNetwork {
  vnet?: network.VirtualNetwork;
  functionSubnetId: pulumi.Output<string>;
  endpointSubnetId: pulumi.Output<string>;
  /** A private endpoint to `targetId`'s `groupId`, with a zone group for that group's zones. */
  privateEndpoint(
    name: string,
    targetId: pulumi.Input<string>,
    groupId: PrivateLinkGroup,
    opts?: pulumi.CustomResourceOptions,
  ): { endpoint: network.PrivateEndpoint; zoneGroup?: network.PrivateDnsZoneGroup };
}

/** The function's and the endpoints' subnet prefixes: the first two /24s of an address space of /23 or more. */
export function subnetPrefixes(addressSpace: string): {
  functionPrefix: string;
  endpointPrefix: string;
} {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(addressSpace);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const bits = Number(match?.[5]);
  if (octets.length !== 4 || octets.some((o) => o > 255) || !(bits >= 8 && bits <= 23))
    throw new Error(`addressSpace must be an IPv4 range of /8 to /23, got ${addressSpace}`);
  const [a = 0, b = 0, c = 0] = octets;
  const base = ((a << 16) | (b << 8) | c) & ~((1 << (24 - bits)) - 1);
  const slash24 = (n: number) => `${n >>> 16}.${(n >>> 8) & 255}.${n & 255}.0/24`;
  return { functionPrefix: slash24(base), endpointPrefix: slash24(base + 1) };
}

/**
 * The virtual network a subnet belongs to. A DNS zone links to a network, and a subnet id holds
 * its network's id, so no look-up is made: a `getVirtualNetwork` would need read access in the
 * subnet's subscription (often a hub's) and a call at every preview.
 */
export function virtualNetworkIdOf(subnetId: string): string {
  const match =
    /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(
      subnetId,
    );
  if (!match?.[1]) throw new Error(`not a subnet resource id: ${subnetId}`);
  return match[1];
}

/**
 * A network for the function (a subnet delegated to Microsoft.App/environments, as Flex Consumption
 * requires) and for private endpoints, or a platform team's existing subnets; DNS zones are made
 * on first use, linked to every network involved.
 */
export function privateNetwork(
  prefix: string,
  inputs: PrivateNetworkInputs,
  opts: pulumi.CustomResourceOptions,
): PrivateNetwork {
  const { resourceGroupName, location } = inputs;
  let vnet: network.VirtualNetwork | undefined;
  let functionSubnetId: pulumi.Output<string>;
  let endpointSubnetId: pulumi.Output<string>;
  let networkIds: pulumi.Input<string>[];
  if (inputs.existingSubnets) {
    const { functionSubnetId: fn, endpointSubnetId: ep } = inputs.existingSubnets;
    functionSubnetId = pulumi.output(fn);
    endpointSubnetId = pulumi.output(ep);
    // The function resolves the endpoints' names from its own network: both need the links.
    // Ids differ in case between portal, CLI and ARM; a zone takes one link per network.
    const ids = [virtualNetworkIdOf(fn), virtualNetworkIdOf(ep)];
    networkIds = ids.filter(
      (id, i) => ids.findIndex((o) => o.toLowerCase() === id.toLowerCase()) === i,
    );
  } else {
    const { functionPrefix, endpointPrefix } = subnetPrefixes(
      inputs.addressSpace ?? DEFAULT_ADDRESS_SPACE,
    );
    // Subnets inline, never as separate Subnet resources: the provider warns that mixing the two
    // deletes subnets, and standalone subnets have had churn on refresh
    // (pulumi/pulumi-azure-native#611, #2368, #3049). One PUT also avoids two subnet writes racing.
    vnet = new network.VirtualNetwork(
      `${prefix}-vnet`,
      {
        resourceGroupName,
        location,
        addressSpace: { addressPrefixes: [inputs.addressSpace ?? DEFAULT_ADDRESS_SPACE] },
        subnets: [
          {
            name: "function",
            addressPrefix: functionPrefix,
            delegations: [{ name: "flex", serviceName: "Microsoft.App/environments" }],
          },
          {
            name: "private-endpoints",
            addressPrefix: endpointPrefix,
            privateEndpointNetworkPolicies:
              network.VirtualNetworkPrivateEndpointNetworkPolicies.Disabled,
          },
        ],
      },
      opts,
    );
    functionSubnetId = pulumi.interpolate`${vnet.id}/subnets/function`;
    endpointSubnetId = pulumi.interpolate`${vnet.id}/subnets/private-endpoints`;
    networkIds = [vnet.id];
  }

  const zones = new Map<string, pulumi.Input<string>>(
    Object.entries(inputs.zoneIds ?? {}).flatMap(([zone, id]) => (id ? [[zone, id] as const] : [])),
  );
  const zoneId = (zone: string): pulumi.Input<string> | undefined => {
    const known = zones.get(zone);
    if (known !== undefined || !inputs.createDnsZones) return known;
    const created = new privatedns.PrivateZone(
      `${prefix}-${zone}`,
      { resourceGroupName, location: "global", privateZoneName: zone },
      opts,
    );
    for (const [i, id] of networkIds.entries())
      new privatedns.VirtualNetworkLink(
        `${prefix}-${zone}-link${i}`,
        {
          resourceGroupName,
          privateZoneName: created.name,
          virtualNetworkLinkName: `${prefix}-link${i}`,
          location: "global",
          registrationEnabled: false,
          // A name missing from the zone (a private-linked resource outside this stack) falls back
          // to public DNS instead of NXDOMAIN.
          resolutionPolicy: privatedns.ResolutionPolicy.NxDomainRedirect,
          virtualNetwork: { id },
        },
        opts,
      );
    zones.set(zone, created.id);
    return created.id;
  };

  const privateEndpoint: PrivateNetwork["privateEndpoint"] = (name, targetId, groupId, own) => {
    const resourceOpts = { ...opts, ...own };
    const endpoint = new network.PrivateEndpoint(
      name,
      {
        resourceGroupName,
        location,
        subnet: { id: endpointSubnetId },
        privateLinkServiceConnections: [
          { name: groupId, privateLinkServiceId: targetId, groupIds: [groupId] },
        ],
      },
      resourceOpts,
    );
    const configs = PRIVATE_DNS_ZONES[groupId].flatMap((zone) => {
      const id = zoneId(zone);
      return id === undefined ? [] : [{ name: zone.replace(/\./g, "-"), privateDnsZoneId: id }];
    });
    if (configs.length === 0) return { endpoint };
    const zoneGroup = new network.PrivateDnsZoneGroup(
      `${name}-dns`,
      {
        resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: configs,
      },
      resourceOpts,
    );
    return { endpoint, zoneGroup };
  };

  return { vnet, functionSubnetId, endpointSubnetId, privateEndpoint };
}
