import { describe, expect, it } from "vitest";

import { namingPatternProblems, namingTransformation, patternName } from "../../infra/naming";

const context = {
  pattern: "{abbr}-{prefix}-{role}-{stack}",
  prefix: "mlev",
  stack: "prod",
  location: "westeurope",
};

describe("namingPattern", () => {
  it("drops what the abbreviation already says, empty roles' separators, and a storage account's separators", () => {
    expect(patternName("azure-native:web:WebApp", "mlev-func", context)).toEqual({
      name: "func-mlev-prod",
    });
    expect(
      patternName("azure-native:eventgrid:SystemTopic", "mlev-ws2-aml-topic", context),
    ).toEqual({
      name: "evgst-mlev-ws2-aml-prod",
    });
    expect(patternName("azure-native:storage:StorageAccount", "mlevhost", context)).toEqual({
      name: "stmlevhostprod",
    });
    expect(
      patternName("azure-native:storage:BlobContainer", "mlev-deadletter", context),
    ).toBeUndefined();
  });

  it("names what Azure would refuse, with the rule", () => {
    const long = {
      ...context,
      stack: "production",
      pattern: "{abbr}-{prefix}-{role}-{stack}-{location}",
    };
    expect(patternName("azure-native:storage:StorageAccount", "mlevhost", long)).toEqual({
      problem:
        'namingPattern: "{abbr}-{prefix}-{role}-{stack}-{location}" names the StorageAccount "mlevhost" "stmlevhostproductionwesteurope", which Azure refuses: 3-24 lowercase letters and digits (separators are dropped)',
    });
    expect(
      patternName("azure-native:keyvault:Vault", "mlev-kv", {
        ...context,
        pattern: "{abbr}--{role}{prefix}_{stack}",
      }),
    ).toHaveProperty("problem");
  });

  it("refuses unknown tokens and a pattern without {role} up front", () => {
    expect(namingPatternProblems("{abbr}-{team}-{stack}")).toEqual([
      "namingPattern: {team} is not a token ({abbr}, {role}, {prefix}, {stack}, {location})",
      "namingPattern: must contain {role}, which tells apart resources of one type (the host and the workspace storage accounts, the alert rules)",
    ]);
    expect(namingPatternProblems(context.pattern)).toEqual([]);
  });

  it("refuses to give two resources one name, and keeps a name a resource was given", () => {
    const transform = namingTransformation({ ...context, pattern: "{abbr}{role}x" });
    const args = (name: string, props: Record<string, unknown> = {}) =>
      ({
        type: "azure-native:storage:StorageAccount",
        name,
        props,
        opts: {},
      }) as unknown as Parameters<typeof transform>[0];
    expect(transform(args("mlevhost"))?.props).toEqual({ accountName: "sthostx" });
    expect(transform(args("mlevml", { accountName: "mine" }))).toBeUndefined();
    const clash = namingTransformation({ ...context, pattern: "{abbr}{role}" });
    clash(args("mlevab"));
    expect(() => clash(args("mlev-ab"))).toThrow(
      'namingPattern: "{abbr}{role}" gives mlevab and mlev-ab the same name "stab"',
    );
  });
});
