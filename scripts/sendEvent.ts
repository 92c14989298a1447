/** `amlwf send-event`: deliver events to the local webhook, publish them to a real Event Grid topic or domain, or print them. */
import { FUNCTION_NAMES, WEBHOOK_PATH } from "../shared/constants";
import { settingsOrThrow } from "../shared/core/runtime";
import { errorMessage } from "../shared/errors";
import { EXIT, UsageError } from "./cli/runCommand";
import { runEventCommand } from "./events/eventCommand";
import { EVENT_HELP, EVENT_OPTIONS, EVENT_USAGE, eventsFromFlags } from "./events/fromFlags";
import { localWebhookPort } from "./events/localWebhook";
import { eventLabel } from "./sendEvent/buildEvents";
import { deliverToWebhook, publishToEventGrid } from "./sendEvent/deliver";

/** The options that say where events go; --print sends nowhere. */
const DELIVERY = ["port", "url", "endpoint", "key", "domain-topic", "function"] as const;

runEventCommand("send-event", {
  usage: `usage: amlwf send-event ${EVENT_USAGE}
         [--port <n> | --url <webhook URL>]                      (default: the local webhook, see below)
         [--endpoint <topic or domain endpoint> [--key <key>] [--domain-topic <name>]] [--print]`,
  description: `Sends events the way Event Grid delivers them: to the local webhook that \`amlwf start\` serves,
or published to a real Event Grid topic or domain with --endpoint (key, or your Entra identity).
${EVENT_HELP}
  --port N          the local webhook's port: default PORT, else the port the running amlwf start took
                    (it records it in the Azurite data folder, AZURITE_DATA_DIR), else 7071
  --print           print the events as a JSON array instead of sending them (input for plan and send-event)
Exit: 0 every event accepted (or printed), 1 some delivery failed or no local host answers, 2 usage error.`,
  options: {
    ...EVENT_OPTIONS,
    print: { type: "boolean" },
    port: { type: "string" },
    url: { type: "string" },
    endpoint: { type: "string" },
    key: { type: "string" },
    "domain-topic": { type: "string" },
    function: { type: "string" },
  },
  positionals: true,
  async run({ values, positionals, projectRoot }) {
    const print = values.print === true;
    const delivery = DELIVERY.find((name) => values[name] !== undefined);
    if (print && delivery !== undefined)
      throw new UsageError(`--print sends nothing: drop --${delivery}`);
    const settings = settingsOrThrow();
    const events = eventsFromFlags(positionals, values, settings.target, settings.eventSources).map(
      (e) => e.event,
    );
    if (print) {
      process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
      return EXIT.ok;
    }

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

    const url =
      values.url ??
      `http://127.0.0.1:${localWebhookPort(values.port, projectRoot)}${WEBHOOK_PATH}?functionName=${values.function ?? FUNCTION_NAMES.triggerPipelines}`;
    const target = new URL(url);
    const where = `${target.host} ${target.searchParams.get("functionName") ?? ""}`.trim();
    let failures = 0;
    for (const [sent, event] of events.entries()) {
      try {
        const result = await deliverToWebhook(url, event);
        if (result.status < 200 || result.status > 299) failures += 1;
        process.stdout.write(
          `${eventLabel(event)} → ${where} ${result.status}${result.outcome === "" ? "" : ` ${result.outcome}`}\n`,
        );
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        if (cause === "ECONNREFUSED") {
          // Nothing listens: the other events would meet the same closed port.
          const unsent = events.length - sent;
          process.stderr.write(
            `no local host answers on ${target.host}: start it with amlwf start (or pass --port)${unsent > 1 ? ` — ${unsent} events not sent` : ""}\n`,
          );
          return EXIT.failed;
        }
        failures += 1;
        process.stdout.write(`${eventLabel(event)} → ${where} failed: ${errorMessage(error)}\n`);
      }
    }
    return failures === 0 ? EXIT.ok : EXIT.failed;
  },
});
