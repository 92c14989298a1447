/**
 * `npm run replay -- --from rejected|deadletter [--since <time>] [--to local|<Event Grid endpoint>] [--dry-run]`:
 * re-delivers recorded rejections or Event Grid dead letters. What succeeds is removed; what fails stays, with its new reason.
 */
import { parseArgs } from "node:util";

import { DefaultAzureCredential } from "@azure/identity";

import { planEvent } from "../shared/core/planEvent";
import { createRuntime } from "../shared/core/runtime";
import { blobServiceFor } from "../shared/rejections/blobRejectionStore";
import { rejectionEntryName } from "../shared/rejections/rejectionStore";
import { deadLetterItems, rejectedItems, type ReplayItem } from "./replay/sources";
import { publishToEventGrid } from "./sendEvent/deliver";

const USAGE =
  "usage: npm run replay -- --from rejected|deadletter [--since <ISO time>] [--to local|<Event Grid endpoint> [--key <key>] [--domain-topic <name>]] [--dry-run]";

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
  | "kept",
  number
>;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      since: { type: "string" },
      to: { type: "string", default: "local" },
      key: { type: "string" },
      "domain-topic": { type: "string" },
      "dry-run": { type: "boolean" },
    },
  });
  if (values.from !== "rejected" && values.from !== "deadletter") throw new Error(USAGE);
  const since = values.since === undefined ? undefined : Date.parse(values.since);
  if (since !== undefined && Number.isNaN(since))
    throw new Error(`--since "${values.since ?? ""}" is not a date or time`);
  const dryRun = values["dry-run"] === true;

  const runtime = createRuntime();
  let items: AsyncIterable<ReplayItem>;
  if (values.from === "rejected") items = rejectedItems(runtime.rejections);
  else {
    const store = runtime.settings.rejectionStore;
    if (store.kind === "folder")
      throw new Error(
        "dead letters live in Blob Storage: set AzureWebJobsStorage (or AzureWebJobsStorage__accountName) to the function app's storage",
      );
    items = deadLetterItems(blobServiceFor(store, new DefaultAzureCredential()));
  }

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
  };
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let lastProgress = Date.now();
  for await (const item of items) {
    if (since !== undefined && Date.parse(item.time) < since) continue;
    counts.read += 1;
    counts.events += item.events.length;
    if (Date.now() - lastProgress > 1000) {
      process.stderr.write(`… ${counts.read} item(s), ${counts.events} event(s) so far\n`);
      lastProgress = Date.now();
    }
    let failure: string | undefined;
    const rewritten = new Set<string>();
    if (dryRun) {
      for (const event of item.events) {
        const plan = planEvent(event, {
          config: runtime.config,
          workspace: runtime.settings.effectiveWorkspace,
          armEndpoint: runtime.settings.armEndpoint,
        });
        const what =
          plan.kind === "matched"
            ? plan.workflows
                .map((w) => (w.kind === "submit" ? `submit ${w.jobName}` : `reject (${w.reason})`))
                .join(", ")
            : `be ${plan.kind} (${plan.reason})`;
        say(`${item.label}: would ${values.to === "local" ? what : `publish to ${values.to}`}`);
      }
      continue;
    }
    if (values.to === "local") {
      for (const event of item.events) {
        try {
          const outcome = await runtime.process(event);
          if (outcome.kind === "ignored") counts.ignored += 1;
          else if (outcome.kind === "rejected") {
            counts.rejected += 1;
            failure = outcome.reason;
            rewritten.add(rejectionEntryName(outcome.eventId, null, event));
          } else {
            for (const w of outcome.workflows) {
              counts[w.kind] += 1;
              if (w.kind === "rejected") {
                failure = w.reason;
                rewritten.add(rejectionEntryName(outcome.eventId, w.workflow, event));
              }
            }
          }
        } catch (error) {
          counts.failed += 1;
          failure = error instanceof Error ? error.message : String(error);
        }
      }
    } else {
      try {
        const result = await publishToEventGrid(values.to, item.events, {
          key: values.key,
          domainTopic: values["domain-topic"],
        });
        if (result.status < 200 || result.status > 299)
          failure = `Event Grid answered ${result.status}`;
        else counts.published += item.events.length;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        counts.failed += 1;
      }
    }
    // A rejection that was rewritten under the same name already holds its new reason.
    const rewrittenInPlace = item.rejectionName !== undefined && rewritten.has(item.rejectionName);
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
  return counts.kept > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
