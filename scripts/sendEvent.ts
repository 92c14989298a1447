/** `npm run send-event`: deliver events to the local webhook, or publish them to a real Event Grid topic or domain. */
import { FUNCTION_NAMES, WEBHOOK_PATH } from "../shared/constants";
import { settingsOrThrow } from "../shared/core/runtime";
import { errorMessage } from "../shared/errors";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { buildEvents, eventLabel } from "./sendEvent/buildEvents";
import { deliverToWebhook, publishToEventGrid } from "./sendEvent/deliver";
import { runEndedEvent } from "./sendEvent/runEvents";

runCommand({
  usage: `usage: npm run send-event -- [<events.json> ...] [--new-id] [--model <name>:<version>]... [--tag key=value]...
         [--completed <job name>]... [--failed <job name>]... [--workspace <ARM id>] [--cloudevents]
         [--port <n> | --url <webhook URL>]                      (default: the local webhook on PORT or 7071)
         [--endpoint <topic or domain endpoint> [--key <key>] [--domain-topic <name>]]`,
  description: `Sends events the way Event Grid delivers them: to the local webhook that \`npm start\` serves,
or published to a real Event Grid topic or domain with --endpoint (key, or your Entra identity).
  <events.json>   files holding one event or an array (samples/events/ has some)
  --new-id        give each event from a file a fresh id and time: a new event, not a redelivery
  --model n:v     build a ModelRegistered event for model n version v (repeatable); --tag k=v adds tags
  --completed J   build the RunCompleted event the workspace sends when dry-run job J completes
  --failed J      build the RunStatusChanged (runStatus Failed) event for dry-run job J
Exit: 0 every event accepted, 1 some delivery failed, 2 usage error.`,
  options: {
    model: { type: "string", multiple: true },
    completed: { type: "string", multiple: true },
    failed: { type: "string", multiple: true },
    tag: { type: "string", multiple: true },
    workspace: { type: "string" },
    cloudevents: { type: "boolean" },
    "new-id": { type: "boolean" },
    port: { type: "string" },
    url: { type: "string" },
    endpoint: { type: "string" },
    key: { type: "string" },
    "domain-topic": { type: "string" },
    function: { type: "string" },
  },
  positionals: true,
  async run({ values, positionals }) {
    const settings = settingsOrThrow();
    // Azure ML events are believed only from a served workspace: by default, the one the
    // function serves (AML_WORKSPACE_ID, or the dry run's placeholder).
    const workspace = values.workspace ?? settings.target.workspace.id;
    const events = buildEvents({
      files: positionals,
      models: values.model ?? [],
      tags: values.tag ?? [],
      workspace,
      cloudEvents: values.cloudevents === true,
      newId: values["new-id"] === true,
    });
    const cloudEvents = values.cloudevents === true;
    const dryRunDir = settings.target;
    for (const [names, ending] of [
      [values.completed ?? [], "Completed"],
      [values.failed ?? [], "Failed"],
    ] as const)
      for (const job of names) {
        if (dryRunDir.kind !== "dry-run")
          throw new UsageError(
            "--completed and --failed build events for dry-run jobs; unset AML_WORKSPACE_ID (a real workspace sends its own)",
          );
        events.push(runEndedEvent(job, ending, dryRunDir.dir, workspace, cloudEvents));
      }
    if (events.length === 0)
      throw new UsageError("nothing to send: name event files, --model, --completed or --failed");

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
      return ok ? EXIT.ok : EXIT.failed;
    }

    const port = values.port ?? process.env.PORT ?? "7071";
    const url =
      values.url ??
      `http://127.0.0.1:${port}${WEBHOOK_PATH}?functionName=${values.function ?? FUNCTION_NAMES.triggerPipelines}`;
    const target = new URL(url);
    const where = `${target.host} ${target.searchParams.get("functionName") ?? ""}`.trim();
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
          `${eventLabel(event)} → ${where} failed: ${cause === "ECONNREFUSED" ? "nothing listens there (is `npm start` running?)" : errorMessage(error)}\n`,
        );
      }
    }
    return failures === 0 ? EXIT.ok : EXIT.failed;
  },
});
