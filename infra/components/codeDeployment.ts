import { join, relative } from "node:path";

import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import type { FunctionPackage } from "../../scripts/packaging/buildPackage";
import { FUNCTION_NAMES } from "../../shared/constants";

/**
 * Deploys the package with OneDeploy (`npm run deploy-package`, compiled) and waits until ARM lists the
 * function. Redeploys when the package's hash changes. Its output, the function's resource id, is
 * what the Event Grid subscriptions point at, so they cannot be created before the code is live.
 */
export function codeDeployment(
  name: string,
  toolRoot: string,
  appId: pulumi.Input<string>,
  pkg: FunctionPackage,
  opts: pulumi.CustomResourceOptions,
) {
  // Paths relative to where Pulumi runs the program (infra/): a command line with an absolute path
  // would differ in another checkout, and Pulumi re-runs a command whose inputs change.
  const here = (path: string) => relative(process.cwd(), path);
  const deploy = new command.local.Command(
    name,
    {
      create: pulumi.interpolate`node ${here(join(toolRoot, "dist", "scripts", "deployPackage.js"))} --app-id ${appId} --zip ${here(pkg.path)} --function ${FUNCTION_NAMES.triggerPipelines}`,
      triggers: [pkg.sha256],
    },
    opts,
  );
  const functionResourceId = deploy.stdout.apply((stdout) => {
    const last = stdout.trim().split("\n").pop() ?? "";
    const parsed = JSON.parse(last) as { functionResourceId?: unknown };
    if (typeof parsed.functionResourceId !== "string")
      throw new Error(`deploy-package printed no functionResourceId: ${last}`);
    return parsed.functionResourceId;
  });
  return { deploy, functionResourceId };
}
