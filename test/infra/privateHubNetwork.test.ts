import { beforeAll, describe, expect, it } from "vitest";

import { installMocks, loadProgram, type RegisteredResource, settle, valueOf } from "./pulumiMocks";

const HUB = "/subscriptions/77777777-2222-3333-4444-555555555555/resourceGroups/hub-net";
const SPOKE = `${HUB}/providers/Microsoft.Network/virtualNetworks/spoke-ml`;
const BLOB_ZONE = `${HUB}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
let resources: RegisteredResource[];
/** The value at a path through nested inputs. */
const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v as Record<string | number, unknown> | undefined)?.[key],
    value,
  );
const ofType = (type: string) => resources.filter((r) => r.type === type);

// The landing-zone case: subnets in the hub team's network, DNS zones they own, a workspace that exists.
beforeAll(async () => {
  resources = installMocks(
    {
      "aml-event-workflows:privateNetworking": "true",
      "aml-event-workflows:functionSubnetId": `${SPOKE}/subnets/functions`,
      "aml-event-workflows:endpointSubnetId": `${SPOKE}/subnets/endpoints`,
      "aml-event-workflows:createPrivateDnsZones": "false",
      "aml-event-workflows:privateDnsZoneIds": JSON.stringify({
        "privatelink.blob.core.windows.net": BLOB_ZONE,
      }),
      "aml-event-workflows:amlWorkspaceId":
        "/subscriptions/99999999-2222-3333-4444-555555555555/resourceGroups/ml-prod/providers/Microsoft.MachineLearningServices/workspaces/prod-ws",
    },
    "hub",
  );
  const program = await loadProgram();
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

describe("private networking in a platform team's own network", () => {
  it("joins the given subnets and creates no network and no DNS zone", () => {
    expect(ofType("azure-native:network:VirtualNetwork")).toHaveLength(0);
    expect(ofType("azure-native:privatedns:PrivateZone")).toHaveLength(0);
    expect(ofType("azure-native:privatedns:VirtualNetworkLink")).toHaveLength(0);
    expect(ofType("azure-native:web:WebApp")[0]?.inputs.virtualNetworkSubnetId).toBe(
      `${SPOKE}/subnets/functions`,
    );
    for (const endpoint of ofType("azure-native:network:PrivateEndpoint"))
      expect(at(endpoint.inputs, "subnet", "id")).toBe(`${SPOKE}/subnets/endpoints`);
  });

  it("registers endpoints in the zones it is given, and leaves the others to the platform's DNS policy", () => {
    expect(
      ofType("azure-native:network:PrivateEndpoint")
        .map((e) => e.name)
        .sort(),
    ).toEqual(["amlwf-events-pe", "amlwfhost-blob-pe", "amlwfhost-queue-pe"]);
    const groups = ofType("azure-native:network:PrivateDnsZoneGroup");
    expect(groups.map((g) => [g.name, at(g.inputs, "privateDnsZoneConfigs")])).toEqual([
      [
        "amlwfhost-blob-pe-dns",
        [{ name: "privatelink-blob-core-windows-net", privateDnsZoneId: BLOB_ZONE }],
      ],
    ]);
  });

  it("changes nothing on a workspace it does not own", () => {
    expect(ofType("azure-native:machinelearningservices:Workspace")).toHaveLength(0);
    expect(
      ofType("azure-native:network:PrivateEndpoint").some((e) => e.name.includes("-ws-")),
    ).toBe(false);
  });
});
