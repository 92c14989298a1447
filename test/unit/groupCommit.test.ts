import { describe, expect, it } from "vitest";

import { groupCommit } from "../../shared/archive/blobEventArchive";

const later = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

describe("the blob archive's group commit", () => {
  it("a burst goes out in a few appends, every line once and in order; a lone line at once", async () => {
    const blocks: string[] = [];
    const commit = groupCommit(async (_hour, body) => {
      await later(20);
      blocks.push(body);
    });
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}\n`);
    await Promise.all(lines.map((line) => commit("2026/12/06/12", line)));
    expect(blocks.length).toBeLessThanOrEqual(3);
    expect(blocks.join("")).toBe(lines.join(""));
    const before = blocks.length;
    await commit("2026/12/06/12", "alone\n");
    expect(blocks.slice(before)).toEqual(["alone\n"]);
  });

  it("a failed append fails every line in its block, and the next block is tried afresh", async () => {
    let calls = 0;
    const commit = groupCommit(async () => {
      calls += 1;
      await later(5);
      if (calls === 1) throw new Error("ServerBusy");
    });
    const first = commit("h", "a\n");
    const queued = [commit("h", "b\n"), commit("h", "c\n")];
    await expect(first).rejects.toThrow("ServerBusy");
    await expect(Promise.all(queued)).resolves.toEqual([undefined, undefined]);
    expect(calls).toBe(2);
  });

  it("an abort ends only that caller's wait", async () => {
    const commit = groupCommit(() => later(30));
    const controller = new AbortController();
    const other = commit("h", "x\n");
    const aborted = commit("h", "y\n", controller.signal);
    controller.abort(new Error("deadline"));
    await expect(aborted).rejects.toThrow("deadline");
    await expect(other).resolves.toBeUndefined();
  });
});
