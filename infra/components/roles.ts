import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

/** Built-in role definition ids, each with the reason it is granted. */
export const ROLES = {
  /** The function app creates and reads jobs in the workspace. */
  azureMlDataScientist: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
  /** The Functions host keeps its state in its storage account through identity. */
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  /** Event Grid writes dead letters; the function app writes rejected events. Scoped to one container each. */
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

const client = authorization.getClientConfigOutput();

/** Grants a built-in role to a service principal on one scope. */
export function grantRole(
  name: string,
  role: keyof typeof ROLES,
  principalId: pulumi.Input<string>,
  scope: pulumi.Input<string>,
  opts?: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role]}`,
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
