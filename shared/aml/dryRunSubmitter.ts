import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { type JobSubmitter, judgeExistingJob } from "./jobSubmitter";

/**
 * Writes each request that would be sent to `<dir>/<jobName>.json` instead of sending it. Nothing
 * can be looked up without a workspace: label references stay as written, and the record lists
 * the look-ups (`lookups`, each with its GET) that would come before the PUT.
 */
export function createDryRunSubmitter(dir: string): JobSubmitter {
  return {
    async submit(job) {
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${job.jobName}.json`);
      try {
        // "wx" fails when the file exists: the local stand-in for ARM's "job already exists".
        const record =
          job.lookups === undefined || job.lookups.length === 0
            ? job.request
            : { ...job.request, lookups: job.lookups };
        await writeFile(file, `${JSON.stringify(record, null, 2)}\n`, { flag: "wx" });
        return { kind: "submitted" };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const existing = JSON.parse(await readFile(file, "utf8")) as { body?: unknown };
        return judgeExistingJob(existing.body, job);
      }
    },
  };
}
