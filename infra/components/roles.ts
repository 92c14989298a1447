import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

/** Built-in role definition ids, each with the reason it is granted. */
export const ROLES = {
  /** The function app creates and reads jobs in the workspace. */
  azureMlDataScientist: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
  /** The Functions host keeps its state in its storage account through identity. */
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  /** The function app's queue trigger takes, deletes and poisons coalescing-window messages, and the code sends them. */
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  /** Event Grid writes dead letters; the function app writes rejected events; the cluster and `register` write workspace blobs. */
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  /** The function app sends telemetry to Application Insights with its identity (local auth off). */
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  /** The cluster and `register` reach the workspace's file share (code snapshots) on identity-only storage. */
  storageFileDataPrivilegedContributor: "69566ab7-960f-475b-8e7c-b3118f30c6bd",
} as const;

/** Who a role is for (the SDK would otherwise send "User"). */
export type PrincipalType = "User" | "ServicePrincipal" | "Group";

/** The subscription a scope lives in: a role definition id must name the scope's own subscription. */
function subscriptionOf(scope: string): string {
  const match = /^\/subscriptions\/([^/]+)/i.exec(scope);
  if (!match?.[1]) throw new Error(`role scope is not an Azure resource id: ${scope}`);
  return match[1];
}

/** Grants a built-in role on one scope; to a service principal unless `principalType` says otherwise. */
export function grantRole(
  name: string,
  role: keyof typeof ROLES,
  principalId: pulumi.Input<string>,
  scope: pulumi.Input<string>,
  opts?: pulumi.CustomResourceOptions,
  principalType: pulumi.Input<PrincipalType> = "ServicePrincipal",
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId,
      principalType,
      roleDefinitionId: pulumi
        .output(scope)
        .apply(
          (s) =>
            `/subscriptions/${subscriptionOf(s)}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role]}`,
        ),
      scope,
    },
    opts,
  );
}

/** The principal id of a resource's system-assigned identity. */
export function principalOf(resource: {
  identity: pulumi.Output<{ principalId?: string } | undefined>;
}): pulumi.Output<string> {
  return resource.identity.apply((identity) => {
    if (identity?.principalId === undefined)
      throw new Error("resource has no system-assigned identity");
    return identity.principalId;
  });
}
