import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { type JobSubmitter, judgeExistingJob } from "./jobSubmitter";

/** Writes each request that would be sent to `<dir>/<jobName>.json` instead of sending it. */
export function createDryRunSubmitter(dir: string): JobSubmitter {
  return {
    async submit(job) {
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${job.jobName}.json`);
      try {
        // "wx" fails when the file exists: the local stand-in for ARM's "job already exists".
        await writeFile(file, `${JSON.stringify(job.request, null, 2)}\n`, { flag: "wx" });
        return { kind: "submitted" };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const existing = JSON.parse(await readFile(file, "utf8")) as { body?: unknown };
        return judgeExistingJob(existing.body, job);
      }
    },
  };
}
