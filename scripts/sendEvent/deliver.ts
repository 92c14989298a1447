import { AzureKeyCredential, EventGridPublisherClient } from "@azure/eventgrid";
import { DefaultAzureCredential } from "@azure/identity";

import { OUTCOME_RECORD_PREFIX } from "../../shared/core/outcomeRecords";
import { isRecord } from "../../shared/guards";
import { isCloudEvent } from "./buildEvents";

/** How one delivery went: the HTTP status and, from the local host, each invocation's log lines. */
export interface Delivery {
  status: number;
  outcome: string;
}

/** Posts one event to a Functions Event Grid webhook (the local host or `func start`), as Event Grid does. */
export async function deliverToWebhook(url: string, event: unknown): Promise<Delivery> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": isCloudEvent(event) ? "application/cloudevents+json" : "application/json",
      "aeg-event-type": "Notification",
    },
    body: JSON.stringify(event),
  });
  const text = await response.text();
  let outcome = text.trim();
  try {
    const body: unknown = JSON.parse(text);
    const invocations =
      isRecord(body) && Array.isArray(body.invocations)
        ? (body.invocations as { logs?: { message: string }[] }[])
        : [];
    outcome = invocations
      .flatMap((i) => (i.logs ?? []).map((l) => l.message))
      .filter((message) => !message.startsWith(OUTCOME_RECORD_PREFIX))
      .join("; ");
  } catch {
    // Core Tools answers 202 with no body and 500 with the error text: print it as it is.
  }
  return { status: response.status, outcome };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function toDate(value: unknown): Date | undefined {
  return typeof value === "string" ? new Date(value) : undefined;
}

/** Publishes events to an Event Grid topic or domain endpoint; a domain needs `domainTopic`. */
export async function publishToEventGrid(
  endpoint: string,
  events: unknown[],
  options: { key?: string; domainTopic?: string },
): Promise<Delivery> {
  const credential =
    options.key !== undefined ? new AzureKeyCredential(options.key) : new DefaultAzureCredential();
  let status = 0;
  const onResponse = (response: { status: number }) => {
    status = response.status;
  };
  const records = events.filter(isRecord);
  if (records.length !== events.length) throw new Error("every event must be a JSON object");
  if (records.every(isCloudEvent)) {
    const client = new EventGridPublisherClient(endpoint, "CloudEvent", credential);
    await client.send(
      records.map((e) => ({
        type: text(e.type) ?? "",
        source: options.domainTopic ?? text(e.source) ?? "",
        id: text(e.id),
        time: toDate(e.time),
        subject: text(e.subject),
        data: e.data,
        datacontenttype: "application/json",
      })),
      { onResponse },
    );
  } else if (!records.some(isCloudEvent)) {
    const client = new EventGridPublisherClient(endpoint, "EventGrid", credential);
    await client.send(
      records.map((e) => ({
        eventType: text(e.eventType) ?? "",
        subject: text(e.subject) ?? "",
        dataVersion: text(e.dataVersion) ?? "1",
        data: e.data,
        id: text(e.id),
        eventTime: toDate(e.eventTime),
        topic: options.domainTopic,
      })),
      { onResponse },
    );
  } else {
    throw new Error("a topic takes one schema: send Event Grid and CloudEvents events separately");
  }
  return { status, outcome: "published" };
}
