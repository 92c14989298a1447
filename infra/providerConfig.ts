import * as pulumi from "@pulumi/pulumi";

/**
 * The stack's `azure-native:*` settings (credentials, environment, location ...), as arguments for an
 * explicit provider: a provider made in the program reads none of them by itself. Secrets stay secret.
 */
export function azureNativeStackConfig(): Record<string, pulumi.Input<unknown>> {
  const args: Record<string, pulumi.Input<unknown>> = {};
  // The engine names the secret keys to the program in this variable (what Config.get's warning reads);
  // a credential-like name counts as secret too.
  const secretKeys = new Set(JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as string[]);
  for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith("azure-native:")) continue;
    let value: unknown = text;
    // Booleans, numbers and lists arrive as JSON text.
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      value = text;
    }
    const name = key.slice("azure-native:".length);
    args[name] =
      secretKeys.has(key) || /secret|password|token/i.test(name) ? pulumi.secret(value) : value;
  }
  return args;
}
