import { describeLookup, type LabelLookup } from "../aml/labelLookup";
import { shortEventType } from "../workflows/eventTypes";
import type { EventOutcome, HeldWindow } from "./outcome";
import { boundedList, printable } from "./printable";

/** One line about an outcome, with its level: rejections are errors, everything else information. */
export interface OutcomeLine {
  level: "info" | "error";
  message: string;
}

/** A label look-up: the version it found, or (plan, dry run) the GET that would find it. */
function lookupLine(lookup: LabelLookup, jobName: string): string {
  return lookup.version === undefined
    ? `label look-up: ${describeLookup(lookup)} (GET ${lookup.url}), not sent — job ${jobName}`
    : `label look-up: ${describeLookup(lookup)} = version ${lookup.version} — job ${jobName}`;
}

/** A window's length as people write it: 90s, 10m, 1h30m. */
export function windowText(seconds: number): string {
  const parts: string[] = [];
  let left = seconds;
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (left >= size) parts.push(`${Math.floor(left / size)}${unit}`);
    left %= size;
  }
  return parts.join("") || "0s";
}

/** Where a held event went, for its line. */
function heldText(window: HeldWindow): string {
  const key = `window "${window.key}"`;
  switch (window.how) {
    case "opened":
      return `opened ${key}, closing at ${window.closesAt}; its job runs then, on the window's latest event`;
    case "joined":
      return `joined ${key} (${window.events ?? 0} events, latest ${window.latest ?? "?"}), closing at ${window.closesAt}`;
    case "again":
      return `already in ${key} (a redelivery), closing at ${window.closesAt}`;
    case "closed":
      return `already taken by ${key} ${window.id}, which closed at ${window.closesAt} (a redelivery)`;
  }
}

/**
 * The lines for one event's outcome: what the function logs, what `plan` and `replay` print. With
 * `explain`, also each workflow the event did not start and the first condition that failed.
 */
export function describeOutcome(
  outcome: EventOutcome,
  options: { explain?: boolean } = {},
): OutcomeLine[] {
  if (outcome.kind === "rejected")
    return [
      {
        level: "error",
        message: printable(`rejected event ${outcome.eventId ?? "<no id>"}: ${outcome.reason}`),
      },
    ];
  const { event } = outcome;
  const what = `event ${event.id} (${shortEventType(event.type)}${event.model ? ` ${event.model}` : event.subject ? ` ${event.subject}` : ""})`;
  const skipped = outcome.skipped.map((s) => `${s.workflow}: ${s.why}`);
  if (outcome.kind === "ignored")
    return [
      {
        level: "info",
        message: printable(
          `ignored ${what}: ${outcome.reason}${skipped.length > 0 ? ` — ${boundedList(skipped, "; ")}` : ""}`,
        ),
      },
    ];
  const lines: OutcomeLine[] = outcome.workflows.flatMap((w): OutcomeLine[] => {
    if (w.kind === "rejected")
      return [
        { level: "error", message: `rejected ${what} for workflow ${w.workflow}: ${w.reason}` },
      ];
    if (w.kind === "held")
      return [
        {
          level: "info",
          message: `held ${what} for workflow ${w.workflow}: ${heldText(w.window)}`,
        },
      ];
    const verb =
      w.kind !== "planned"
        ? w.kind
        : w.coalesce === undefined
          ? "would submit"
          : `would hold in a ${windowText(w.coalesce.windowSeconds)} window keyed "${w.coalesce.key}", then run on its latest event,`;
    return [
      { level: "info", message: `${verb} job ${w.jobName} — workflow ${w.workflow}, ${what}` },
      ...(w.lookups ?? []).map((l): OutcomeLine => ({
        level: "info",
        message: lookupLine(l, w.jobName),
      })),
    ];
  });
  for (const r of outcome.reports ?? [])
    lines.push(
      r.kind === "rejected"
        ? {
            level: "error",
            message: `report of workflow ${r.workflow} onto model ${r.model} not written: ${r.reason}`,
          }
        : {
            level: "info",
            message: `${r.kind === "planned" ? "would tag" : r.kind === "tagged" ? "tagged" : "already tagged"} model ${r.model} with ${Object.entries(
              r.tags,
            )
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")} — workflow ${r.workflow}, ${what}`,
          },
    );
  if (options.explain === true)
    for (const line of skipped) lines.push({ level: "info", message: `not started — ${line}` });
  return lines.map((line) => ({ ...line, message: printable(line.message) }));
}
