import { randomUUID } from "node:crypto";

import type { Timer } from "@azure/functions";
import { Cron } from "croner";

import type { TimerHandler } from "../../functions/registry";
import { errorMessage } from "../../shared/errors";
import { localInvocationContext } from "./webhookServer";

/** A schedule as the host reads it: `%NAME%` is the app setting NAME. */
export function resolveSchedule(schedule: string, env: NodeJS.ProcessEnv): string {
  const setting = /^%(\w+)%$/.exec(schedule)?.[1];
  if (setting === undefined) return schedule;
  const value = env[setting]?.trim();
  if (value === undefined || value === "")
    throw new Error(
      `the timer's schedule is the setting ${setting}, which is not set (the Functions host refuses to start the function too)`,
    );
  return value;
}

/**
 * Runs each timer function on its schedule (UTC, as the Functions host does by default), never two
 * runs of one function at once (the host holds a lock for that). Returns how to stop them.
 */
export function startTimers(
  functions: ReadonlyMap<string, { schedule: string; handler: TimerHandler }>,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  records: (line: string) => void,
): { schedules: Map<string, string>; stop: () => Promise<void> } {
  const jobs: Cron[] = [];
  const running = new Set<Promise<unknown>>();
  const schedules = new Map<string, string>();
  for (const [name, { schedule, handler }] of functions) {
    const expression = resolveSchedule(schedule, env);
    schedules.set(name, expression);
    let busy = false;
    jobs.push(
      new Cron(expression, { timezone: "UTC", protect: true }, async () => {
        // The host never runs one timer function twice at once; a tick during a run is skipped.
        if (busy) return;
        busy = true;
        const timer: Timer = {
          isPastDue: false,
          schedule: { adjustForDST: false },
          scheduleStatus: { last: "", next: "", lastUpdated: new Date().toISOString() },
        };
        const context = localInvocationContext(name, randomUUID(), [], log, records);
        const run = (async () => {
          try {
            await handler(timer, context);
          } catch (error) {
            log(`[${new Date().toISOString()}] ${name} failed: ${errorMessage(error)}`);
          }
        })();
        running.add(run);
        await run;
        running.delete(run);
        busy = false;
      }),
    );
  }
  // A first run at start, so a change made in the first period after `amlwf start` is not taken
  // into the watcher's baseline; the host runs on schedule only (and in Azure the first run after a
  // deploy records the baseline).
  for (const job of jobs) void job.trigger();
  return {
    schedules,
    async stop() {
      for (const job of jobs) job.stop();
      await Promise.all(running);
    },
  };
}
