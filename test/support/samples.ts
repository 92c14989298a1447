import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const REPO_ROOT = join(__dirname, "..", "..");

/** A sample event from samples/events, parsed fresh each call. */
export function sampleEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, "samples", "events", name), "utf8")) as Record<
    string,
    unknown
  >;
}

/** The example config the tests pin (a copy of the shipped one, so users may change theirs). */
export const EXAMPLE_WORKFLOWS = join(REPO_ROOT, "test", "fixtures", "example", "workflows.yaml");
