import { beforeEach, describe, expect, it, vi } from "vitest";

import { installMocks, loadProgram } from "./pulumiMocks";

/** Reads the stack settings under the mocks, as the program does first; what that throws. */
async function load(config: Record<string, string>): Promise<unknown> {
  installMocks(config, "refused");
  try {
    (await import("../../infra/config")).stackArgsFromConfig();
    return undefined;
  } catch (error) {
    return error;
  }
}

beforeEach(() => {
  vi.resetModules();
});

describe("stack settings are checked before anything is planned", () => {
  it("refuses amlSystemTopicName without amlWorkspaceId: a new workspace has no topic to name", async () => {
    const error = await load({ "aml-event-workflows:amlSystemTopicName": "ws-topic-1234" });
    expect(String(error)).toMatch(
      /Invalid stack settings:\n {2}amlSystemTopicName: names the existing system topic of the workspace amlWorkspaceId names; .* set amlWorkspaceId or remove amlSystemTopicName/,
    );
  });

  it.each(["ml-events", "MLTeam", "averyveryverylongprefix", "1team", ""])(
    "refuses namePrefix %j, which would make an invalid storage account or Key Vault name",
    async (prefix) => {
      const error = await load({ "aml-event-workflows:namePrefix": prefix });
      expect(String(error)).toContain(
        `namePrefix: ${JSON.stringify(prefix)} must be 1 to 11 lowercase letters or digits, starting with a letter`,
      );
    },
  );

  it("names every bad setting at once", async () => {
    const error = await load({
      "aml-event-workflows:deployerPrincipalType": "Robot",
      "aml-event-workflows:maxDeliveryAttempts": "31",
      "aml-event-workflows:instanceMemoryMB": "1024",
      "aml-event-workflows:maximumInstanceCount": "10",
      "aml-event-workflows:armWritesPerSecond": "0",
      "aml-event-workflows:tags": JSON.stringify({ "team/a": "x", budget: 5 }),
      "aml-event-workflows:alertEmails": JSON.stringify(["oncall"]),
    });
    const text = String(error);
    for (const expected of [
      'deployerPrincipalType: "Robot" must be User, ServicePrincipal or Group',
      "maxDeliveryAttempts: 31 must be a whole number from 1 to 30",
      "instanceMemoryMB: 1024 must be 512, 2048 or 4096",
      "maximumInstanceCount: 10 must be a whole number from 40 to 1000",
      "armWritesPerSecond: 0 must be a positive number",
      'tags: "team/a" is not a tag name Azure accepts',
      "tags.budget: must be a string, not 5",
      'alertEmails: "oncall" is not an email address',
    ])
      expect(text).toContain(expected);
  });

  it("refuses private networking settings that cannot work, naming each", async () => {
    const subnet =
      "/subscriptions/1/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/spoke/subnets/functions";
    const alone = String(await load({ "aml-event-workflows:functionSubnetId": subnet }));
    expect(alone).toContain(
      "functionSubnetId: only used with privateNetworking: true (set it, or remove functionSubnetId)",
    );
  });

  it("refuses a lone subnet, a bad subnet id, a small address space and unknown DNS zones", async () => {
    const text = String(
      await load({
        "aml-event-workflows:privateNetworking": "true",
        "aml-event-workflows:functionSubnetId": "spoke/functions",
        "aml-event-workflows:vnetAddressSpace": "10.42.0.0/24",
        "aml-event-workflows:privateDnsZoneIds": JSON.stringify({ "privatelink.example.com": "x" }),
      }),
    );
    for (const expected of [
      "functionSubnetId: give functionSubnetId and endpointSubnetId together",
      'functionSubnetId: "spoke/functions" is not a subnet id',
      'vnetAddressSpace: "10.42.0.0/24" must be an IPv4 range of /8 to /23',
      'privateDnsZoneIds: "privatelink.example.com" is not a zone the endpoints use',
      'privateDnsZoneIds.privatelink.example.com: "x" is not a private DNS zone id',
    ])
      expect(text).toContain(expected);
  });

  it("refuses a watcher schedule without six fields and a read budget below one, naming each", async () => {
    const text = String(
      await load({
        // Five-field cron, as crontab writes it: the Functions host wants seconds first.
        "aml-event-workflows:watchSchedule": "*/5 * * * *",
        "aml-event-workflows:watchMaxReads": "0",
      }),
    );
    // The function's own check, so what it would refuse at start-up stops the deployment instead.
    expect(
      String(await load({ "aml-event-workflows:watchSchedule": "0 */5 * * * MON-XYZ" })),
    ).toMatch(/watchSchedule: "0 \*\/5 \* \* \* MON-XYZ" is not a schedule: /);
    expect(text).toContain(
      `watchSchedule: "*/5 * * * *" has 5 fields; the timer takes NCRONTAB's six, seconds first`,
    );
    expect(text).toContain("watchMaxReads: 0 must be a whole number of at least 1");
  });

  it("refuses an archive retention outside 1 to 3650 whole days", async () => {
    for (const days of ["0", "3651", "1.5"])
      expect(String(await load({ "aml-event-workflows:archiveRetentionDays": days }))).toContain(
        `archiveRetentionDays: ${Number(days)} must be a whole number from 1 to 3650`,
      );
  });

  it("refuses storage accounts and event sources that cannot get a system topic, naming the entry", async () => {
    const account =
      "/subscriptions/22222222-0000-0000-0000-000000000000/resourceGroups/landing-rg/providers/Microsoft.Storage/storageAccounts/landingzone";
    const hub =
      "/subscriptions/33333333-0000-0000-0000-000000000000/resourceGroups/iot-rg/providers/Microsoft.Devices/IotHubs/plant-hub";
    const text = String(
      await load({
        "aml-event-workflows:storageAccounts": JSON.stringify([
          account,
          "landingzone",
          { id: account.toUpperCase() },
          { id: account.replace("landingzone", "other"), systemTopicName: "x" },
        ]),
        "aml-event-workflows:eventSources": JSON.stringify([
          { id: hub, topicType: "Microsoft.Devices.IoTHubs" },
          {
            id: hub.replace("plant-hub", "hub2"),
            topicType: "Microsoft.Devices.IoTHubs",
            location: "westeurope",
            eventTypes: ["DeviceTelemetry"],
          },
          { id: account, topicType: "Microsoft.Storage.StorageAccounts", location: "westeurope" },
          { id: "plant-hub", topicType: "IoTHubs" },
          // A resource group is not a source EVENT_SOURCES takes.
          {
            id: "/subscriptions/33333333-0000-0000-0000-000000000000/resourceGroups/iot-rg",
            topicType: "Microsoft.Resources.ResourceGroups",
            location: "global",
          },
        ]),
      }),
    );
    for (const expected of [
      'storageAccounts[1]: "landingzone" is not a storage account id',
      "storageAccounts[2]: ",
      "is listed twice (also storageAccounts[0]); Azure allows one system topic per source",
      'storageAccounts[3]: unknown key "systemTopicName" (known: id, systemTopic)',
      "eventSources[0].location: needed to create its system topic",
      'eventSources[1].eventTypes: "DeviceTelemetry" is not a Microsoft.Devices.IoTHubs event type (they begin Microsoft.Devices.',
      "eventSources[2].topicType: list storage accounts under storageAccounts instead",
      'eventSources[3].id: "plant-hub" is not the ARM id of a resource',
      'eventSources[4].id: "/subscriptions/33333333-0000-0000-0000-000000000000/resourceGroups/iot-rg" is not the ARM id of a resource in a resource group',
    ])
      expect(text).toContain(expected);
  });

  it("accepts the defaults and an 11-character prefix, and the program then loads", async () => {
    expect(await load({ "aml-event-workflows:namePrefix": "mlteamprod1" })).toBeUndefined();
    const program = await loadProgram();
    expect(program.function_app_name).toBeDefined();
  });
});
