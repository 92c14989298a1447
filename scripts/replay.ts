/**
 * `amlwf replay --from rejected|deadletter [--since <time>] [--to local|<Event Grid endpoint>] [--dry-run]`:
 * re-delivers recorded rejections or Event Grid dead letters. What succeeds is removed; what fails stays, with its new reason.
 * `--from archive --since <time>` re-delivers archived events (the same ones, or `--as-new`), removing nothing.
 * `--discard <id>` drops a rejection that can never succeed, keeping an audit copy.
 */
import { DefaultAzureCredential } from "@azure/identity";

import { describeOutcome } from "../shared/core/describeOutcome";
import { errorMessage } from "../shared/errors";
import { blobServiceFor } from "../shared/rejections/blobRejectionStore";
import { EXIT, runCommand, UsageError } from "./cli/runCommand";
import { explainingStorageErrors, explainStorageError } from "./cli/storageReachable";
import { toolRuntime } from "./cli/toolConfig";
import { windowFromOptions } from "./plan/windowOptions";
import {
  ARCHIVE_HELP,
  archiveItems,
  type ArchiveSkips,
  refuseArchiveOptions,
  skippedLines,
} from "./replay/archiveItems";
import { discardRejections } from "./replay/discard";
import { EVENT_GRID_ACCEPTED, publishTarget } from "./replay/publishTarget";
import { deadLetterItems, rejectedItems, type ReplayItem } from "./replay/sources";
import {
  emptyCounts,
  type ItemResult,
  settleItem,
  settlementLine,
  tallyOutcome,
} from "./replay/tally";
import { publishToEventGrid } from "./sendEvent/deliver";

runCommand({
  usage: `usage: amlwf replay --from rejected|deadletter [--since <ISO time>] [--to local|<Event Grid endpoint> [--key <key>] [--domain-topic <name>] [--trust-host <host>]] [--dry-run]
       amlwf replay --from archive --since <30m|2h|1d|ISO time> [--until <time>] [--workflow <name>] [--as-new] [--to …] [--dry-run]
       amlwf replay --discard <id> [--discard <id> ...] [--dry-run]`,
  description: `Re-delivers recorded rejections (--from rejected) or Event Grid dead letters (--from deadletter):
through the function's own path in this process (--to local, the default) or published to Event Grid.
What succeeds is removed; what fails again is kept with its new reason. Storage comes from the same
settings the function uses (local.settings.json locally: Azurite, or the rejected-events folder).
  --since TIME   only entries recorded at or after TIME
${ARCHIVE_HELP}
  --dry-run      say what each entry would do, and count it in the summary; change nothing
  --to URL       an https Event Grid endpoint (*.eventgrid.azure.net, .azure.us, .chinacloudapi.cn); your
                 Entra token or --key goes with it, and a record is removed only when Event Grid answers 200
  --trust-host H also publish to host H (repeatable): only for a host you trust with that credential
  --discard ID   drop the rejection ID (repeatable) instead of replaying anything: ID is the entry name
                 that --dry-run and amlwf status print (<event id>-<hash>/<workflow>.json, with or
                 without the store's location before it). Each is kept as an audit copy, with who
                 discarded it and when, under discarded/ in the same store; replay and status skip it.
                 An ID that names no rejection stops it before anything is dropped.
Exit: 0 every entry replayed (in a dry run: would be) or every ID discarded; 1 some entry failed again
(or would) or could not be read (each named, kept, the rest replayed), or an ID names no rejection
(nothing is discarded) or its entry changed while discarding; 2 usage or settings error. From the archive:
0 every event replayed, 1 some event failed or was rejected (a line that does not read is named and
counted, and changes nothing).`,
  options: {
    from: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    workflow: { type: "string" },
    "as-new": { type: "boolean" },
    to: { type: "string", default: "local" },
    key: { type: "string" },
    "domain-topic": { type: "string" },
    "dry-run": { type: "boolean" },
    "trust-host": { type: "string", multiple: true },
    discard: { type: "string", multiple: true },
  },
  async run({ values }) {
    const dryRun = values["dry-run"] === true;
    if (values.from !== "archive")
      refuseArchiveOptions({
        until: values.until,
        workflow: values.workflow,
        "as-new": values["as-new"],
      });
    if (values.discard !== undefined) {
      if (
        (values.from !== undefined && values.from !== "rejected") ||
        values.since !== undefined ||
        values.to !== "local"
      )
        throw new UsageError(
          "--discard drops recorded rejections and replays nothing: it takes only ids and --dry-run",
        );
      return discardRejections(values.discard, dryRun).catch((error: unknown) => {
        throw explainStorageError(error);
      });
    }
    const fromArchive = values.from === "archive";
    if (values.from !== "rejected" && values.from !== "deadletter" && !fromArchive)
      throw new UsageError("--from must be rejected, deadletter or archive");
    const window = fromArchive
      ? windowFromOptions(values, Date.now(), "--from archive")
      : undefined;
    // The archive reads its window itself.
    const since = values.since === undefined || fromArchive ? undefined : Date.parse(values.since);
    if (since !== undefined && Number.isNaN(since))
      throw new UsageError(`--since "${values.since ?? ""}" is not a date or time`);
    const { to } = values;
    let endpoint: string | undefined;
    if (to !== "local") {
      const target = publishTarget(to, values["trust-host"] ?? []);
      if ("error" in target) throw new UsageError(target.error);
      endpoint = target.url;
    }

    const runtime = toolRuntime();
    let items: AsyncIterable<ReplayItem>;
    let skipped: ArchiveSkips | undefined;
    if (window !== undefined) {
      const archived = archiveItems(runtime, window, {
        asNew: values["as-new"] === true,
        workflow: values.workflow,
        published: endpoint !== undefined,
      });
      items = archived.items;
      skipped = archived.skipped;
      process.stderr.write(`${archived.header}\n`);
    } else if (values.from === "rejected") items = rejectedItems(runtime.rejections);
    else {
      const store = runtime.settings.rejectionStore;
      if (store.kind === "folder")
        throw new UsageError(
          "dead letters live in Blob Storage: set AzureWebJobsStorage (or AzureWebJobsStorage__accountName) to the function app's storage",
        );
      items = deadLetterItems(blobServiceFor(store, new DefaultAzureCredential()));
    }
    if (window === undefined)
      process.stderr.write(
        `replaying from ${values.from === "rejected" ? runtime.rejections.location : "the deadletter container"}\n`,
      );

    const counts = emptyCounts();
    const say = (line: string) => process.stdout.write(`${line}\n`);
    let lastProgress = Date.now();
    for await (const item of explainingStorageErrors(items)) {
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
      const result: ItemResult = { rewritten: new Set() };
      const failedBefore = counts.failed;
      if (endpoint === undefined) {
        for (const event of item.events) {
          try {
            // A dry run plans each event as the replay would run it, and counts what it prints.
            const outcome = dryRun ? runtime.plan(event) : await runtime.process(event);
            for (const line of describeOutcome(outcome)) say(`${item.label}: ${line.message}`);
            tallyOutcome(counts, result, outcome, event);
          } catch (error) {
            counts.failed += 1;
            result.failure = errorMessage(error);
            if (dryRun || item.archived === true)
              say(`${item.label}: ${dryRun ? "would fail" : "failed"} — ${result.failure}`);
          }
        }
      } else if (dryRun) {
        // Whether it is removed depends on Event Grid's answer, which a dry run does not ask for.
        say(`${item.label}: would publish ${item.events.length} event(s) to ${to}`);
        counts.published += item.events.length;
        continue;
      } else {
        try {
          const answer = await publishToEventGrid(endpoint, item.events, {
            key: values.key,
            domainTopic: values["domain-topic"],
          });
          if (answer.status !== EVENT_GRID_ACCEPTED)
            result.failure = `Event Grid answered ${answer.status}, not ${EVENT_GRID_ACCEPTED}`;
          else counts.published += item.events.length;
        } catch (error) {
          result.failure = errorMessage(error);
          counts.failed += 1;
        }
      }
      if (item.archived === true) {
        // The archive is append-only: a replayed event stays in it, whatever came of it.
        if (endpoint !== undefined) {
          if (result.failure === undefined) say(`${item.label}: published to ${to}`);
          else say(`${item.label}: not published — ${result.failure}`);
          if (result.failure !== undefined && counts.failed === failedBefore) counts.failed += 1;
        }
        continue;
      }
      const settlement = settleItem(item, result);
      if (settlement.startsWith("removed")) {
        if (!dryRun) await item.remove();
        counts.removed += 1;
      } else {
        if (!dryRun && settlement === "kept") await item.markFailed(result.failure ?? "");
        counts.kept += 1;
      }
      say(`${item.label}: ${settlementLine(settlement, result.failure, dryRun)}`);
    }
    if (skipped !== undefined) for (const line of skippedLines(skipped, values.workflow)) say(line);
    const notes = [
      ...(dryRun ? ["Nothing was changed."] : []),
      ...(window === undefined ? [] : ["The archive keeps every event."]),
    ];
    say(
      `replay${dryRun ? " (dry run)" : ""}: ${Object.entries(counts)
        // Held only matters where a workflow coalesces.
        .filter(([k, v]) => k !== "held" || v > 0)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}${notes.length === 0 ? "" : `. ${notes.join(" ")}`}`,
    );
    if (window !== undefined)
      return counts.failed > 0 || counts.rejected > 0 ? EXIT.failed : EXIT.ok;
    return counts.kept > 0 || counts.corrupt > 0 ? EXIT.failed : EXIT.ok;
  },
});
