/**
 * `amlwf deploy-package --app-id <function app ARM id> --zip build/function-app.zip`: OneDeploy the
 * package to a Flex Consumption app, follow the deployment, sync the triggers, then wait until ARM
 * lists the function — Event Grid refuses an AzureFunction subscription before that. The last line
 * printed is JSON for infra.
 */
import { readFileSync } from "node:fs";

import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
} from "@azure/core-rest-pipeline";
import { DefaultAzureCredential } from "@azure/identity";

import { FUNCTION_NAMES, SETTING_DEFAULTS } from "../shared/constants";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { flexDeploy, type Send } from "./deploy/flexDeploy";

const APP_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/([^/]+)$/i;

runCommand({
  usage:
    "usage: amlwf deploy-package --app-id /subscriptions/.../providers/Microsoft.Web/sites/<app> --zip <package.zip> [--function <name>] [--timeout-seconds <n>]",
  description: `Publishes the package to a Flex Consumption app with OneDeploy (your Entra identity), as az and
azd do: the SCM host is read from the app's ARM record, the deployment is followed until Kudu says
it succeeded (a storage 403 while the app's role propagates is waited out and published again, up
to --role-wait-seconds), 409s, 5xx and network errors are retried, the triggers are synced, and
then it waits until ARM lists the function: Event Grid refuses an AzureFunction subscription
before that. \`pulumi up\` runs it; the last line printed is JSON for the Pulumi program.
Exit: 0 deployed and indexed, 1 the deployment failed or timed out, 2 usage error.`,
  options: {
    "app-id": { type: "string" },
    zip: { type: "string" },
    function: { type: "string", default: FUNCTION_NAMES.triggerPipelines },
    "scm-url": { type: "string" },
    "arm-endpoint": { type: "string", default: SETTING_DEFAULTS.armEndpoint },
    "timeout-seconds": { type: "string", default: "1200" },
    "role-wait-seconds": { type: "string", default: "900" },
    "poll-seconds": { type: "string", default: "5" },
  },
  async run({ values }) {
    const appId = values["app-id"] ?? "";
    if (APP_ID.exec(appId) === null || values.zip === undefined)
      throw new UsageError("--app-id must be a function app's ARM id, and --zip a package");
    const seconds = (name: "timeout-seconds" | "role-wait-seconds" | "poll-seconds") => {
      const value = Number(values[name]);
      if (!Number.isFinite(value) || value < 0)
        throw new UsageError(`--${name} must be a number of seconds`);
      return value * 1000;
    };
    const armEndpoint = values["arm-endpoint"].replace(/\/+$/, "");
    const pipeline = createPipelineFromOptions({
      userAgentOptions: { userAgentPrefix: "aml-event-workflows-deploy" },
    });
    // Kudu on Flex Consumption takes an ARM-audience Entra token, as ARM does.
    pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({
        credential: new DefaultAzureCredential(),
        scopes: `${armEndpoint}/.default`,
      }),
    );
    const http = createDefaultHttpClient();
    const send: Send = async (method, url, body) => {
      const response = await pipeline.sendRequest(
        http,
        createPipelineRequest({
          url,
          method,
          headers: createHttpHeaders(body ? { "content-type": "application/zip" } : {}),
          body,
          timeout: 300_000,
        }),
      );
      return {
        status: response.status,
        location: response.headers.get("location"),
        text: response.bodyAsText ?? "",
      };
    };
    const zip = readFileSync(values.zip);
    const functionResourceId = await flexDeploy(
      {
        appId,
        functionName: values.function,
        zip,
        armEndpoint,
        scmUrl: values["scm-url"]?.replace(/\/+$/, ""),
        timeoutMs: seconds("timeout-seconds"),
        roleWaitMs: seconds("role-wait-seconds"),
        pollMs: seconds("poll-seconds"),
        log: (line) => process.stderr.write(`${line}\n`),
      },
      send,
    );
    process.stdout.write(`${JSON.stringify({ functionResourceId, packageBytes: zip.length })}\n`);
    return EXIT.ok;
  },
});
