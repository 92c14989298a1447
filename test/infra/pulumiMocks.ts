import * as pulumi from "@pulumi/pulumi";

import { EXAMPLE_WORKFLOWS } from "../support/samples";

/** One resource the program registered, with the inputs it gave. */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The explicit provider's reference (`urn::id`), when one was given. */
  provider?: string;
}

/** Invokes (look-ups) the program made, with the provider they went through. */
export const invoked: { token: string; inputs: Record<string, unknown>; provider?: string }[] = [];

export const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
/** What the mocked deployment step prints: only it can produce this id. */
export const DEPLOYED_FUNCTION_ID = "/mock/deployment-output/functions/triggerPipelines";

/** Installs Pulumi's mock runtime and stack config; returns the list registrations land in. */
export function installMocks(
  config: Record<string, string>,
  stack = "test",
  /** The claims of the ARM token the provider deploys with (a person's by default). */
  tokenClaims: Record<string, unknown> = { idtyp: "user" },
): RegisteredResource[] {
  const registered: RegisteredResource[] = [];
  // The example config under test/fixtures, never the user's workflows/.
  pulumi.runtime.setAllConfig({
    "azure-native:location": "westeurope",
    "aml-event-workflows:workflowsFile": EXAMPLE_WORKFLOWS,
    ...config,
  });
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        registered.push({ type: args.type, name: args.name, inputs, provider: args.provider });
        const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/${args.type.replace(/:/g, ".")}/${args.name}`;
        const state: Record<string, unknown> = {
          ...inputs,
          name: inputs.name ?? args.name,
        };
        if (inputs.identity !== undefined)
          state.identity = {
            ...(inputs.identity as object),
            principalId: `principal-of-${args.name}`,
          };
        if (args.type === "azure-native:managedidentity:UserAssignedIdentity")
          state.principalId = `principal-of-${args.name}`;
        if (args.type === "azure-native:storage:StorageAccount")
          state.primaryEndpoints = { blob: `https://${args.name}.blob.core.windows.net/` };
        if (args.type === "azure-native:eventgrid:Domain")
          state.endpoint = `https://${args.name}.westeurope-1.eventgrid.azure.net/api/events`;
        if (args.type === "azure-native:applicationinsights:Component")
          state.connectionString =
            "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/";
        if (args.type === "command:local:Command")
          state.stdout = `published\n${JSON.stringify({ functionResourceId: DEPLOYED_FUNCTION_ID })}`;
        return { id, state };
      },
      call(args) {
        invoked.push({
          token: args.token,
          inputs: args.inputs as Record<string, unknown>,
          provider: args.provider,
        });
        if (args.token === "azure-native:authorization:getClientConfig")
          return {
            subscriptionId: SUBSCRIPTION,
            tenantId: "tenant",
            objectId: "me",
            clientId: "me",
          };
        if (args.token === "azure-native:authorization:getClientToken")
          return {
            token: ["{}", JSON.stringify(tokenClaims), "signature"]
              .map((part) => Buffer.from(part).toString("base64url"))
              .join("."),
          };
        const inputs = args.inputs as Record<string, unknown>;
        if (args.token === "azure-native:resources:getResourceGroup")
          return { name: inputs.resourceGroupName, location: "westeurope" };
        if (args.token === "azure-native:eventgrid:getSystemTopic")
          return { ...inputs, identity: { principalId: "principal-of-existing-topic" } };
        if (args.token === "azure-native:machinelearningservices:getWorkspace")
          return { ...inputs, location: "northeurope", id: "ignored" };
        if (args.token === "azure-native:storage:getStorageAccount")
          return { ...inputs, location: "swedencentral" };
        return inputs;
      },
    },
    "aml-event-workflows",
    stack,
    false,
  );
  return registered;
}

/** The value inside an Output, for assertions. */
export function valueOf<T>(output: pulumi.Output<T> | T): Promise<T> {
  return pulumi.Output.isInstance(output)
    ? new Promise((resolve) => output.apply(resolve))
    : Promise.resolve(output);
}

/** Waits until the program's pending registrations have been made. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Each resource's parent and the resources it depends on (as `type::name`), and whether an alias
 * names the top of the stack as its former parent, as the program registered it: the mocks see none.
 */
export const registeredOptions = new Map<
  string,
  { parent?: string; aliasedToTop: boolean; dependsOn: string[] }
>();

/** Records every resource's parent, aliases and dependencies from here on (a stack transformation runs last). */
export function recordOptions(): void {
  pulumi.runtime.registerStackTransformation((args) => {
    // The SDK's own fields for a resource's type and name.
    const named = (r: unknown) => {
      const resource = r as { __name?: string; __pulumiType?: string };
      return `${resource.__pulumiType ?? ""}::${resource.__name ?? ""}`;
    };
    const parent = args.opts.parent;
    const dependsOn = args.opts.dependsOn;
    registeredOptions.set(`${args.type}::${args.name}`, {
      // Resources named directly (not an Output of them).
      dependsOn: (Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []).map(named),
      parent: parent === undefined ? undefined : named(parent),
      // The provider adds aliases of its own (older type names); only a parent alias is ours.
      aliasedToTop: (args.opts.aliases ?? []).some(
        (alias) =>
          typeof alias === "object" &&
          "parent" in alias &&
          // The SDK's rootStackResource is undefined: it is sent as `noParent`.
          alias.parent === pulumi.rootStackResource,
      ),
    });
    return undefined;
  });
}

/**
 * Runs the program as the Pulumi CLI does, inside the root stack resource (stack-wide
 * transformations, such as the tags, need it); returns its exports.
 */
export async function loadProgram(): Promise<typeof import("../../infra/index")> {
  let program: typeof import("../../infra/index") | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    recordOptions();
    program = await import("../../infra/index");
    return {};
  });
  if (!program) throw new Error("the program did not load");
  return program;
}
