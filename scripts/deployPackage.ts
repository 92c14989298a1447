/**
 * `npm run deploy-package -- --app-id <function app ARM id> --zip build/function-app.zip`: OneDeploy the
 * package to a Flex Consumption app, then wait until ARM lists the function — Event Grid refuses an
 * AzureFunction subscription before that. The last line printed is JSON for infra.
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

const WEB_API_VERSION = "2024-04-01";
const APP_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/([^/]+)$/i;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

runCommand({
  usage:
    "usage: npm run deploy-package -- --app-id /subscriptions/.../providers/Microsoft.Web/sites/<app> --zip <package.zip> [--function <name>] [--timeout-seconds <n>]",
  description: `Publishes the package to a Flex Consumption app with OneDeploy (your Entra identity), then waits
until ARM lists the function: Event Grid refuses an AzureFunction subscription before that.
\`pulumi up\` runs it; the last line printed is JSON for the Pulumi program.
Exit: 0 deployed and indexed, 1 the deployment failed or timed out, 2 usage error.`,
  options: {
    "app-id": { type: "string" },
    zip: { type: "string" },
    function: { type: "string", default: FUNCTION_NAMES.triggerPipelines },
    "scm-url": { type: "string" },
    "arm-endpoint": { type: "string", default: SETTING_DEFAULTS.armEndpoint },
    "timeout-seconds": { type: "string", default: "600" },
    "poll-seconds": { type: "string", default: "5" },
  },
  async run({ values }) {
    const appId = values["app-id"] ?? "";
    const appName = APP_ID.exec(appId)?.[1];
    if (appName === undefined || values.zip === undefined)
      throw new UsageError("--app-id must be a function app's ARM id, and --zip a package");
    const armEndpoint = values["arm-endpoint"].replace(/\/+$/, "");
    const scmUrl = (values["scm-url"] ?? `https://${appName}.scm.azurewebsites.net`).replace(
      /\/+$/,
      "",
    );
    const deadline = Date.now() + Number(values["timeout-seconds"]) * 1000;
    const zip = readFileSync(values.zip);

    const pipeline = createPipelineFromOptions({
      userAgentOptions: { userAgentPrefix: "aml-event-workflows-deploy" },
    });
    // Kudu on Flex Consumption takes an ARM-audience Entra token.
    pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({
        credential: new DefaultAzureCredential(),
        scopes: `${armEndpoint}/.default`,
      }),
    );
    const http = createDefaultHttpClient();

    const publish = await pipeline.sendRequest(
      http,
      createPipelineRequest({
        url: `${scmUrl}/api/publish?type=zip&RemoteBuild=false`,
        method: "POST",
        headers: createHttpHeaders({ "content-type": "application/zip" }),
        body: zip,
        timeout: 300_000,
      }),
    );
    if (publish.status < 200 || publish.status > 299) {
      throw new Error(
        `OneDeploy to ${scmUrl} answered ${publish.status}: ${(publish.bodyAsText ?? "").slice(0, 500)}`,
      );
    }
    process.stderr.write(
      `published ${zip.length} bytes to ${scmUrl} (${publish.status}); waiting for ${values.function} to be indexed\n`,
    );

    const functionId = `${appId}/functions/${values.function}`;
    for (;;) {
      const response = await pipeline.sendRequest(
        http,
        createPipelineRequest({
          url: `${armEndpoint}${functionId}?api-version=${WEB_API_VERSION}`,
          method: "GET",
        }),
      );
      if (response.status === 200) break;
      if (response.status !== 404 && response.status < 500)
        throw new Error(
          `GET ${functionId} answered ${response.status}: ${(response.bodyAsText ?? "").slice(0, 500)}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `${values.function} was not indexed within ${values["timeout-seconds"]} s of the deployment (last answer ${response.status})`,
        );
      await sleep(Number(values["poll-seconds"]) * 1000);
    }
    process.stdout.write(
      `${JSON.stringify({ functionResourceId: functionId, packageBytes: zip.length })}\n`,
    );
    return EXIT.ok;
  },
});
