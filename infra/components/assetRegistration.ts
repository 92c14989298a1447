import { createHash } from "node:crypto";
import { join, relative } from "node:path";

import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import type { AssetManifest } from "../../shared/compiled/compiledConfig";

/** Whether the pipelines need anything registered at all. */
export function needsRegistration(manifests: AssetManifest[]): boolean {
  return manifests.some(
    (m) => m.codes.length + m.data.length + m.environments.length + m.components.length > 0,
  );
}

/**
 * Runs `npm run register` (compiled) as the deploying identity, before the code is deployed: the
 * first event must find every code folder, environment, component and local data its pipeline
 * names. Re-runs when what the pipelines need changes (the manifests' content hashes).
 */
export function assetRegistration(
  name: string,
  toolRoot: string,
  workflowsFile: string,
  manifests: AssetManifest[],
  workspaceId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
) {
  // Relative paths, as for the code deployment: another checkout must not re-run it.
  const here = (path: string) => relative(process.cwd(), path);
  const fingerprint = createHash("sha256").update(JSON.stringify(manifests)).digest("hex");
  return new command.local.Command(
    name,
    {
      create: `node ${here(join(toolRoot, "dist", "scripts", "register.js"))} --workflows ${here(workflowsFile)}`,
      environment: { AML_WORKSPACE_ID: workspaceId },
      triggers: [fingerprint],
    },
    opts,
  );
}
