import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const REPO_ROOT = join(__dirname, "..", "..");

/**
 * A sample event from samples/events, parsed fresh each call; with `workspace`, as that workspace's
 * system topic sends it (the samples come from the dry run's placeholder workspace).
 */
export function sampleEvent(name: string, workspace?: string): Record<string, unknown> {
  const event = JSON.parse(
    readFileSync(join(REPO_ROOT, "samples", "events", name), "utf8"),
  ) as Record<string, unknown>;
  if (workspace === undefined) return event;
  return "specversion" in event ? { ...event, source: workspace } : { ...event, topic: workspace };
}

/** The example config the tests pin (a copy of the shipped one, so users may change theirs). */
export const EXAMPLE_WORKFLOWS = join(REPO_ROOT, "test", "fixtures", "example", "workflows.yaml");
