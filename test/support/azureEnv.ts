import type { IdentityEndpoint } from "./identityEndpoint";

/** Every variable through which DefaultAzureCredential could find someone's identity, but the managed identity's endpoint. */
export const AZURE_VARIABLES = [
  "AZURE_TOKEN_CREDENTIALS",
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_USERNAME",
  "AZURE_PASSWORD",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "IDENTITY_SERVER_THUMBPRINT",
  "IMDS_ENDPOINT",
];

/** Points DefaultAzureCredential at the local managed-identity endpoint, as App Service does; returns an undo. */
export function useLocalManagedIdentity(identity: IdentityEndpoint): () => void {
  const saved = new Map<string, string | undefined>();
  const set = (name: string, value: string | undefined) => {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  };
  for (const name of AZURE_VARIABLES) set(name, undefined);
  set("IDENTITY_ENDPOINT", identity.url);
  set("IDENTITY_HEADER", identity.header);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
}

/** A workspace id used by the tests that talk to the stand-in. */
export const TEST_WORKSPACE_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws";
