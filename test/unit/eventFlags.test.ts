import { parseArgs } from "node:util";

import { describe, expect, it } from "vitest";

import { UsageError } from "../../scripts/cli/runCommand";
import { argumentProblem } from "../../scripts/events/eventCommand";
import { EVENT_OPTIONS, eventsFromFlags } from "../../scripts/events/fromFlags";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import type { Target } from "../../shared/settings";

/** What util.parseArgs throws for these arguments, as plan and send-event parse them. */
function parseError(args: string[], allowPositionals = true): unknown {
  try {
    parseArgs({
      args,
      options: { ...EVENT_OPTIONS, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    return error;
  }
  throw new Error(`${args.join(" ")} parsed`);
}

const placeholder = parseWorkspaceId(PLACEHOLDER_WORKSPACE_ID);
if (!placeholder.ok) throw new Error("the placeholder workspace id does not parse");
const dryRun: Target = { kind: "dry-run", workspace: placeholder.value, dir: "/nonexistent" };
const azure: Target = { kind: "azure", workspace: placeholder.value, others: [] };

describe("argumentProblem: util.parseArgs errors in one line, naming the argument", () => {
  it.each([
    [["--frobnicate"], "Unknown option '--frobnicate'"],
    [["--model", "a:1", "--frob=3"], "Unknown option '--frob'"],
    [["-hx"], "Unknown option '-x'"],
    [["--model"], "Option '--model' needs a value, written --model=<value> if it starts with '-'"],
    [
      ["--model", "--tag"],
      "Option '--model' needs a value, written --model=<value> if it starts with '-'",
    ],
    [["--cloudevents=yes"], "Option '--cloudevents' takes no value"],
  ])("%j → %s", (args, message) => {
    expect(argumentProblem(parseError(args))).toBe(message);
  });

  it("names an unexpected positional argument", () => {
    expect(argumentProblem(parseError(["extra"], false))).toBe("Unexpected argument 'extra'");
  });

  it("leaves any other error alone", () => {
    expect(argumentProblem(new Error("disk full"))).toBeUndefined();
    expect(argumentProblem("--frob")).toBeUndefined();
  });
});

describe("eventsFromFlags: the events plan and send-event build", () => {
  it("builds one ModelRegistered event per --model, each with every --tag, from the served workspace", () => {
    const events = eventsFromFlags(
      [],
      { model: ["churn:3", "team:fraud:2"], tag: ["stage=candidate", "owner=a=b"] },
      dryRun,
      [],
    );
    expect(events.map((e) => e.from)).toEqual(["--model churn:3", "--model team:fraud:2"]);
    expect(events[1]?.event).toMatchObject({
      topic: PLACEHOLDER_WORKSPACE_ID,
      subject: "models/team:fraud:2",
      data: {
        modelName: "team:fraud",
        modelVersion: "2",
        modelTags: { stage: "candidate", owner: "a=b" },
      },
    });
  });

  it("builds CloudEvents from another workspace when asked", () => {
    const [built] = eventsFromFlags(
      [],
      { model: ["churn:3"], cloudevents: true, workspace: "/subscriptions/x" },
      dryRun,
      [],
    );
    expect(built?.event).toMatchObject({ specversion: "1.0", source: "/subscriptions/x" });
  });

  it.each([
    [{ model: ["churn"] }, dryRun, /--model "churn" must be <name>:<version>/],
    [{ model: ["churn:3"], tag: ["stage"] }, dryRun, /--tag "stage" must be key=value/],
    [{ tag: ["stage=candidate"] }, dryRun, /--tag needs --model/],
    [{}, dryRun, /no events: name an events file, or build one with --model/],
    [{ completed: ["job-1"] }, azure, /--completed and --failed build events for dry-run jobs/],
  ])("refuses %j as a usage error", (values, target, message) => {
    expect(() => eventsFromFlags([], values, target, [])).toThrow(UsageError);
    expect(() => eventsFromFlags([], values, target, [])).toThrow(message);
  });
});
