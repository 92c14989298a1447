/** `npm run send-event`: deliver events to the local webhook, or publish them to a real Event Grid topic or domain. */
import { parseArgs } from "node:util";

import { FUNCTION_NAMES } from "../shared/constants";
import { WEBHOOK_PATH } from "./localHost/webhookServer";
import { buildEvents, eventLabel } from "./sendEvent/buildEvents";
import { deliverToWebhook, publishToEventGrid } from "./sendEvent/deliver";

const USAGE = `usage: npm run send-event -- [<events.json> ...] [--model <name>:<version>]... [--tag key=value]...
         [--workspace <ARM id>] [--cloudevents]
         [--port <n> | --url <webhook URL>]                      (default: the local webhook on PORT or 7071)
         [--endpoint <topic or domain endpoint> [--key <key>] [--domain-topic <name>]]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: "string", multiple: true },
      tag: { type: "string", multiple: true },
      workspace: { type: "string" },
      cloudevents: { type: "boolean" },
      port: { type: "string" },
      url: { type: "string" },
      endpoint: { type: "string" },
      key: { type: "string" },
      "domain-topic": { type: "string" },
      function: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const events = buildEvents({
    files: positionals,
    models: values.model ?? [],
    tags: values.tag ?? [],
    workspace: values.workspace,
    cloudEvents: values.cloudevents === true,
  });
  if (events.length === 0) throw new Error(`nothing to send\n${USAGE}`);

  if (values.endpoint !== undefined) {
    const result = await publishToEventGrid(values.endpoint, events, {
      key: values.key,
      domainTopic: values["domain-topic"],
    });
    const ok = result.status >= 200 && result.status < 300;
    for (const event of events)
      process.stdout.write(
        `${eventLabel(event)} → ${values.endpoint} ${result.status} ${ok ? result.outcome : "failed"}\n`,
      );
    return ok ? 0 : 1;
  }

  const port = values.port ?? process.env.PORT ?? "7071";
  const url =
    values.url ??
    `http://127.0.0.1:${port}${WEBHOOK_PATH}?functionName=${values.function ?? FUNCTION_NAMES.triggerPipelines}`;
  const where = (() => {
    const target = new URL(url);
    return `${target.host} ${target.searchParams.get("functionName") ?? ""}`.trim();
  })();
  let failures = 0;
  for (const event of events) {
    try {
      const result = await deliverToWebhook(url, event);
      if (result.status < 200 || result.status > 299) failures += 1;
      process.stdout.write(
        `${eventLabel(event)} → ${where} ${result.status}${result.outcome === "" ? "" : ` ${result.outcome}`}\n`,
      );
    } catch (error) {
      failures += 1;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      process.stdout.write(
        `${eventLabel(event)} → ${where} failed: ${cause === "ECONNREFUSED" ? "nothing listens there (is `npm start` running?)" : (error as Error).message}\n`,
      );
    }
  }
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
