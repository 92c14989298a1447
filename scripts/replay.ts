/**
 * `npm run replay -- --from rejected|deadletter [--since <time>] [--to local|<Event Grid endpoint>] [--dry-run]`:
 * re-delivers recorded rejections or Event Grid dead letters. What succeeds is removed; what fails stays, with its new reason.
 */
import { DefaultAzureCredential } from "@azure/identity";

import { describeOutcome } from "../shared/core/describeOutcome";
import { errorMessage } from "../shared/errors";
import { blobServiceFor } from "../shared/rejections/blobRejectionStore";
import { rejectionEntryName } from "../shared/rejections/rejectionStore";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { toolRuntime } from "./cli/toolConfig";
import { EVENT_GRID_ACCEPTED, publishTarget } from "./replay/publishTarget";
import { deadLetterItems, rejectedItems, type ReplayItem } from "./replay/sources";
import { publishToEventGrid } from "./sendEvent/deliver";

type Counts = Record<
  | "read"
  | "events"
  | "submitted"
  | "duplicate"
  | "ignored"
  | "rejected"
  | "failed"
  | "published"
  | "removed"
  | "kept"
  | "corrupt",
  number
>;

runCommand({
  usage:
    "usage: npm run replay -- --from rejected|deadletter [--since <ISO time>] [--to local|<Event Grid endpoint> [--key <key>] [--domain-topic <name>] [--trust-host <host>]] [--dry-run]",
  description: `Re-delivers recorded rejections (--from rejected) or Event Grid dead letters (--from deadletter):
through the function's own path in this process (--to local, the default) or published to Event Grid.
What succeeds is removed; what fails again is kept with its new reason. Storage comes from the same
settings the function uses (local.settings.json locally: Azurite, or the rejected-events folder).
  --since TIME   only entries recorded at or after TIME
  --dry-run      say what each entry would do; change nothing
  --to URL       an https Event Grid endpoint (*.eventgrid.azure.net, .azure.us, .chinacloudapi.cn); your
                 Entra token or --key goes with it, and a record is removed only when Event Grid answers 200
  --trust-host H also publish to host H (repeatable): only for a host you trust with that credential
Exit: 0 every entry replayed, 1 some entry failed again or could not be read (each named, kept, the rest
replayed), 2 usage or settings error.`,
  options: {
    from: { type: "string" },
    since: { type: "string" },
    to: { type: "string", default: "local" },
    key: { type: "string" },
    "domain-topic": { type: "string" },
    "dry-run": { type: "boolean" },
    "trust-host": { type: "string", multiple: true },
  },
  async run({ values }) {
    if (values.from !== "rejected" && values.from !== "deadletter")
      throw new UsageError("--from must be rejected or deadletter");
    const since = values.since === undefined ? undefined : Date.parse(values.since);
    if (since !== undefined && Number.isNaN(since))
      throw new UsageError(`--since "${values.since ?? ""}" is not a date or time`);
    const dryRun = values["dry-run"] === true;
    const { to } = values;
    let endpoint: string | undefined;
    if (to !== "local") {
      const target = publishTarget(to, values["trust-host"] ?? []);
      if ("error" in target) throw new UsageError(target.error);
      endpoint = target.url;
    }

    const runtime = toolRuntime();
    let items: AsyncIterable<ReplayItem>;
    if (values.from === "rejected") items = rejectedItems(runtime.rejections);
    else {
      const store = runtime.settings.rejectionStore;
      if (store.kind === "folder")
        throw new UsageError(
          "dead letters live in Blob Storage: set AzureWebJobsStorage (or AzureWebJobsStorage__accountName) to the function app's storage",
        );
      items = deadLetterItems(blobServiceFor(store, new DefaultAzureCredential()));
    }
    process.stderr.write(
      `replaying from ${values.from === "rejected" ? runtime.rejections.location : "the deadletter container"}\n`,
    );

    const counts: Counts = {
      read: 0,
      events: 0,
      submitted: 0,
      duplicate: 0,
      ignored: 0,
      rejected: 0,
      failed: 0,
      published: 0,
      removed: 0,
      kept: 0,
      corrupt: 0,
    };
    const say = (line: string) => process.stdout.write(`${line}\n`);
    let lastProgress = Date.now();
    for await (const item of items) {
      if (item.corrupt !== undefined) {
        // Named and kept, and the rest still replays.
        counts.corrupt += 1;
        say(`${item.label}: cannot be read, skipped and kept — ${item.corrupt}`);
        continue;
      }
      if (since !== undefined && Date.parse(item.time) < since) continue;
      counts.read += 1;
      counts.events += item.events.length;
      if (Date.now() - lastProgress > 1000) {
        process.stderr.write(`… ${counts.read} item(s), ${counts.events} event(s) so far\n`);
        lastProgress = Date.now();
      }
      if (dryRun) {
        for (const event of item.events) {
          if (to !== "local") say(`${item.label}: would publish to ${to}`);
          else
            for (const line of describeOutcome(runtime.plan(event)))
              say(`${item.label}: ${line.message}`);
        }
        continue;
      }
      let failure: string | undefined;
      const rewritten = new Set<string>();
      if (endpoint === undefined) {
        for (const event of item.events) {
          try {
            const outcome = await runtime.process(event);
            for (const line of describeOutcome(outcome)) say(`${item.label}: ${line.message}`);
            if (outcome.kind === "ignored") counts.ignored += 1;
            else if (outcome.kind === "rejected") {
              counts.rejected += 1;
              failure = outcome.reason;
              rewritten.add(rejectionEntryName(outcome.eventId, null, event));
            } else {
              for (const w of outcome.workflows) {
                if (w.kind === "planned") continue;
                counts[w.kind] += 1;
                if (w.kind === "rejected") {
                  failure = w.reason;
                  rewritten.add(rejectionEntryName(outcome.event.id, w.workflow, event));
                }
              }
            }
          } catch (error) {
            counts.failed += 1;
            failure = errorMessage(error);
          }
        }
      } else {
        try {
          const result = await publishToEventGrid(endpoint, item.events, {
            key: values.key,
            domainTopic: values["domain-topic"],
          });
          if (result.status !== EVENT_GRID_ACCEPTED)
            failure = `Event Grid answered ${result.status}, not ${EVENT_GRID_ACCEPTED}`;
          else counts.published += item.events.length;
        } catch (error) {
          failure = errorMessage(error);
          counts.failed += 1;
        }
      }
      // A rejection that was rewritten under the same name already holds its new reason.
      const rewrittenInPlace =
        item.rejectionName !== undefined && rewritten.has(item.rejectionName);
      if (
        failure === undefined ||
        (item.rejectionName !== undefined && !rewrittenInPlace && rewritten.size > 0)
      ) {
        await item.remove();
        counts.removed += 1;
        say(
          `${item.label}: ${failure === undefined ? "replayed, removed" : "rejected again under another entry, removed"}`,
        );
      } else {
        if (!rewrittenInPlace) await item.markFailed(failure);
        counts.kept += 1;
        say(`${item.label}: failed again, kept — ${failure}`);
      }
    }
    say(
      `replay${dryRun ? " (dry run)" : ""}: ${Object.entries(counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
    return counts.kept > 0 || counts.corrupt > 0 ? EXIT.failed : EXIT.ok;
  },
});
