import type * as pulumi from "@pulumi/pulumi";

/** What a naming pattern may say: each `{token}` is replaced, the rest is kept. */
export const NAME_TOKENS = ["abbr", "role", "prefix", "stack", "location"] as const;

interface NameRule {
  /** The input that carries the resource's name in Azure. */
  property: string;
  /** The resource type's abbreviation (Azure's Cloud Adoption Framework list where it has one). */
  abbr: string;
  /** What the logical name says that the abbreviation already does: dropped from the role. */
  redundant: RegExp;
  /** Azure's rule for the name, as a pattern and in words. */
  valid: RegExp;
  rule: string;
  /** Storage accounts take no separators and no capitals: they are removed. */
  compact?: boolean;
}

const HYPHENATED = (max: number) =>
  new RegExp(`^[a-zA-Z0-9][a-zA-Z0-9-]{0,${max - 2}}[a-zA-Z0-9]$`);
const words = (max: number) =>
  `2-${max} letters, digits and hyphens, starting and ending with a letter or digit`;

/** The resources whose Azure names a pattern sets; the others keep Pulumi's names or fixed ones. */
export const NAME_RULES: Record<string, NameRule> = {
  "azure-native:resources:ResourceGroup": {
    property: "resourceGroupName",
    abbr: "rg",
    redundant: /^rg$/,
    valid: /^[-\w.()]{0,89}[-\w()]$/,
    rule: "1-90 letters, digits, - _ . ( ), not ending in .",
  },
  "azure-native:storage:StorageAccount": {
    property: "accountName",
    abbr: "st",
    redundant: /^$/,
    compact: true,
    valid: /^[a-z0-9]{3,24}$/,
    rule: "3-24 lowercase letters and digits (separators are dropped)",
  },
  "azure-native:keyvault:Vault": {
    property: "vaultName",
    abbr: "kv",
    redundant: /^kv$/,
    valid: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    rule: "3-24 letters, digits and single hyphens, starting with a letter",
  },
  "azure-native:machinelearningservices:Workspace": {
    property: "workspaceName",
    abbr: "mlw",
    redundant: /^ws$/,
    valid: /^[a-zA-Z0-9][\w-]{2,32}$/,
    rule: "3-33 letters, digits, _ and -, starting with a letter or digit",
  },
  "azure-native:managedidentity:UserAssignedIdentity": {
    property: "resourceName",
    abbr: "id",
    redundant: /-?identity$/,
    valid: /^[a-zA-Z0-9][\w-]{2,127}$/,
    rule: "3-128 letters, digits, _ and -",
  },
  "azure-native:operationalinsights:Workspace": {
    property: "workspaceName",
    abbr: "log",
    redundant: /^logs$/,
    valid: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/,
    rule: "4-63 letters, digits and hyphens",
  },
  "azure-native:applicationinsights:Component": {
    property: "resourceName",
    abbr: "appi",
    redundant: /^insights$/,
    valid: /^[^%&\\?/]{1,255}$/,
    rule: "1-255 characters, none of % & \\ ? /",
  },
  "azure-native:web:AppServicePlan": {
    property: "name",
    abbr: "asp",
    redundant: /^plan$/,
    valid: HYPHENATED(60),
    rule: words(60),
  },
  "azure-native:web:WebApp": {
    property: "name",
    abbr: "func",
    redundant: /^func$/,
    valid: HYPHENATED(60),
    rule: `${words(60)}; unique in Azure`,
  },
  "azure-native:eventgrid:Domain": {
    property: "domainName",
    abbr: "evgd",
    redundant: /^events$/,
    valid: HYPHENATED(50),
    rule: words(50),
  },
  "azure-native:eventgrid:SystemTopic": {
    property: "systemTopicName",
    abbr: "evgst",
    redundant: /-?topic$/,
    valid: HYPHENATED(128),
    rule: words(128),
  },
  "azure-native:monitor:ActionGroup": {
    property: "actionGroupName",
    abbr: "ag",
    redundant: /^alerts$/,
    valid: HYPHENATED(260),
    rule: words(260),
  },
  "azure-native:monitor:MetricAlert": {
    property: "ruleName",
    abbr: "alert",
    redundant: /^$/,
    valid: HYPHENATED(260),
    rule: words(260),
  },
  "azure-native:monitor:ScheduledQueryRule": {
    property: "ruleName",
    abbr: "alert",
    redundant: /^$/,
    valid: HYPHENATED(260),
    rule: words(260),
  },
  "azure-native:network:VirtualNetwork": {
    property: "virtualNetworkName",
    abbr: "vnet",
    redundant: /^vnet$/,
    valid: HYPHENATED(64),
    rule: words(64),
  },
  "azure-native:network:PrivateEndpoint": {
    property: "privateEndpointName",
    abbr: "pep",
    redundant: /-?pe$/,
    valid: HYPHENATED(64),
    rule: words(64),
  },
};

/** What names are made from, besides the pattern. */
export interface NamingContext {
  pattern: string;
  prefix: string;
  stack: string;
  location: string;
}

/** The problems with a pattern itself, naming the setting; empty when it can make names. */
export function namingPatternProblems(pattern: string): string[] {
  const problems: string[] = [];
  for (const [, token] of pattern.matchAll(/\{([^}]*)\}/g))
    if (!(NAME_TOKENS as readonly string[]).includes(token ?? ""))
      problems.push(
        `namingPattern: {${token}} is not a token (${NAME_TOKENS.map((t) => `{${t}}`).join(", ")})`,
      );
  if (!pattern.includes("{role}"))
    problems.push(
      "namingPattern: must contain {role}, which tells apart resources of one type (the host and the workspace storage accounts, the alert rules)",
    );
  return problems;
}

/** The Azure name the pattern gives one resource, from its logical name; a problem when Azure would refuse it. */
export function patternName(
  type: string,
  logicalName: string,
  context: NamingContext,
): { name: string } | { problem: string } | undefined {
  const rule = NAME_RULES[type];
  if (rule === undefined) return undefined;
  const afterPrefix = logicalName.startsWith(context.prefix)
    ? logicalName.slice(context.prefix.length).replace(/^-/, "")
    : logicalName;
  const role = afterPrefix.replace(rule.redundant, "");
  const values: Record<string, string> = {
    abbr: rule.abbr,
    role,
    prefix: context.prefix,
    stack: context.stack,
    location: context.location,
  };
  let name = context.pattern
    .replace(/\{([a-z]+)\}/g, (_, token: string) => values[token] ?? "")
    // An empty token leaves its separators behind.
    .replace(/([-_.])[-_.]+/g, "$1")
    .replace(/^[-_.]+|[-_.]+$/g, "");
  if (rule.compact) name = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return rule.valid.test(name)
    ? { name }
    : {
        problem: `namingPattern: ${JSON.stringify(context.pattern)} names the ${type.split(":").pop()} ${JSON.stringify(logicalName)} ${JSON.stringify(name)}, which Azure refuses: ${rule.rule}`,
      };
}

/** A transformation that gives every resource in NAME_RULES its name from the pattern, unless it has one. */
export function namingTransformation(context: NamingContext): pulumi.ResourceTransformation {
  const taken = new Map<string, string>();
  return (args) => {
    const rule = NAME_RULES[args.type];
    if (rule === undefined || args.props[rule.property] !== undefined) return undefined;
    const made = patternName(args.type, args.name, context);
    if (made === undefined) return undefined;
    if ("problem" in made) throw new Error(made.problem);
    const key = `${args.type}/${made.name}`;
    const other = taken.get(key);
    if (other !== undefined && other !== args.name)
      throw new Error(
        `namingPattern: ${JSON.stringify(context.pattern)} gives ${other} and ${args.name} the same name ${JSON.stringify(made.name)}`,
      );
    taken.set(key, args.name);
    return { props: { ...args.props, [rule.property]: made.name }, opts: args.opts };
  };
}
