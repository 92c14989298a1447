import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseArchiveFileName } from "../../shared/archive/archiveLine";
import { createBlobEventArchive } from "../../shared/archive/blobEventArchive";
import type { ArchiveLine, EventArchive } from "../../shared/archive/eventArchive";
import { createFolderEventArchive } from "../../shared/archive/folderEventArchive";
import { STORAGE_CONTAINERS } from "../../shared/constants";
import { startTestAzurite } from "../support/azurite";
import { sampleEvent } from "../support/samples";

const at = (iso: string) => new Date(iso);
const event = (id: string) => ({ ...sampleEvent("model-registered.eventgrid.json"), id });

async function readAll(archive: EventArchive, since: string, until: string) {
  const lines: ArchiveLine[] = [];
  for await (const line of archive.read(at(since), at(until))) lines.push(line);
  return lines;
}
/** The ids of the archived events read, in order (corrupt lines as `!<where>`). */
const idsOf = (lines: ArchiveLine[]) =>
  lines.map((l) => ("corrupt" in l ? `!${l.where}` : (l.event as { id: string }).id));

/** One kind of archive under test: how to make one, and how to reach its raw files. */
interface Kind {
  make(options?: { writer?: string; blocksPerBlob?: number; fresh?: boolean }): EventArchive;
  /** Every file's name and text, as stored. */
  files(): Promise<Record<string, string>>;
  /** Appends raw text to a file, as a writer that is not this code would. */
  appendRaw(name: string, text: string): Promise<void>;
}

let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
let service: BlobServiceClient;
beforeAll(async () => {
  azurite = await startTestAzurite();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
}, 30_000);
afterAll(() => azurite.stop());

const folderKind = (): Kind => {
  // Not made yet: the first read finds no folder, the first append makes it.
  let dir = join(mkdtempSync(join(tmpdir(), "archive-test-")), "archive");
  return {
    make: ({ writer = "writer-a", fresh } = {}) => {
      if (fresh === true) dir = mkdtempSync(join(tmpdir(), "archive-test-"));
      return createFolderEventArchive(dir, { writer });
    },
    files: () =>
      Promise.resolve(
        Object.fromEntries(
          readdirSync(dir, { recursive: true })
            .map(String)
            .filter((name) => name.endsWith(".jsonl"))
            .map((name) => [name.split("\\").join("/"), readFileSync(join(dir, name), "utf8")]),
        ),
      ),
    appendRaw(name, text) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      appendFileSync(join(dir, name), text);
      return Promise.resolve();
    },
  };
};

// Each blob archive in a storage account of its own would need an Azurite each: the container is
// emptied instead (a fresh one is a missing container until the first append makes it).
const blobKind = (): Kind => {
  const container = () => service.getContainerClient(STORAGE_CONTAINERS.eventArchive);
  return {
    make: ({ writer = "writer-a", blocksPerBlob } = {}) =>
      createBlobEventArchive(() => service, "azurite/", { writer, blocksPerBlob }),
    async files() {
      const files: Record<string, string> = {};
      if (!(await container().exists())) return files;
      for await (const blob of container().listBlobsFlat())
        files[blob.name] = (await container().getBlobClient(blob.name).downloadToBuffer()).toString(
          "utf8",
        );
      return files;
    },
    async appendRaw(name, text) {
      await container().createIfNotExists();
      const blob = container().getAppendBlobClient(name);
      await blob.createIfNotExists();
      await blob.appendBlock(text, Buffer.byteLength(text));
    },
  };
};

describe.each([
  ["a folder (ARCHIVE_DIR)", folderKind, () => Promise.resolve()],
  [
    "Blob Storage (Azurite)",
    blobKind,
    async () => {
      await service.getContainerClient(STORAGE_CONTAINERS.eventArchive).deleteIfExists();
    },
  ],
] as const)("the event archive in %s", (_, kindOf, reset) => {
  let kind: Kind;
  beforeAll(async () => {
    await reset();
    kind = kindOf();
  });

  it("reads nothing, and fails nothing, before anything was archived", async () => {
    expect(await readAll(kind.make(), "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z")).toEqual([]);
  });

  it("reads back the events received in [since, until), oldest hour first, across a year's end", async () => {
    const archive = kind.make();
    for (const [id, receivedAt] of [
      ["e4", "2026-01-01T00:30:00.000Z"],
      ["e1", "2025-12-31T22:15:00.000Z"],
      ["e2", "2025-12-31T22:45:00.000Z"],
      ["e3", "2025-12-31T23:05:00.000Z"],
      ["e0", "2025-11-30T10:00:00.000Z"],
    ] as const)
      await archive.append({ receivedAt, event: event(id) });

    expect(idsOf(await readAll(archive, "2025-12-31T22:30:00Z", "2026-01-01T01:00:00Z"))).toEqual([
      "e2",
      "e3",
      "e4",
    ]);
    expect(idsOf(await readAll(archive, "2025-01-01T00:00:00Z", "2027-01-01T00:00:00Z"))).toEqual([
      "e0",
      "e1",
      "e2",
      "e3",
      "e4",
    ]);
    expect(idsOf(await readAll(archive, "2025-12-31T23:06:00Z", "2026-01-01T00:30:00Z"))).toEqual(
      [],
    );
    // Files per hour and writer: `YYYY/MM/DD/HH/<writer>.jsonl`.
    expect(Object.keys(await kind.files()).sort()).toContain("2025/12/31/22/writer-a.jsonl");
  });

  it("puts an event at an hour's last millisecond in that hour, and one at the next hour's first in the next", async () => {
    const archive = kind.make();
    await archive.append({ receivedAt: "2026-03-01T10:59:59.999Z", event: event("before") });
    await archive.append({ receivedAt: "2026-03-01T11:00:00.000Z", event: event("after") });
    const files = await kind.files();
    expect(files["2026/03/01/10/writer-a.jsonl"]).toMatch(/"before"/);
    expect(files["2026/03/01/11/writer-a.jsonl"]).toMatch(/"after"/);
    expect(idsOf(await readAll(archive, "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"))).toEqual([
      "before",
    ]);
    expect(idsOf(await readAll(archive, "2026-03-01T11:00:00Z", "2026-03-01T12:00:00Z"))).toEqual([
      "after",
    ]);
  });

  it("names a line that is not an archived event by its file and line number, and reads on", async () => {
    const archive = kind.make();
    await archive.append({ receivedAt: "2026-04-02T08:10:00.000Z", event: event("good-1") });
    await kind.appendRaw("2026/04/02/08/writer-a.jsonl", '{"torn": tr\n{"receivedAt": 5}\n');
    await archive.append({ receivedAt: "2026-04-02T08:20:00.000Z", event: event("good-2") });
    const lines = await readAll(archive, "2026-04-02T08:00:00Z", "2026-04-02T09:00:00Z");
    expect(idsOf(lines)).toEqual([
      "good-1",
      `!${archive.location}/2026/04/02/08/writer-a.jsonl:2`,
      `!${archive.location}/2026/04/02/08/writer-a.jsonl:3`,
      "good-2",
    ]);
    expect(lines[1]).toMatchObject({ corrupt: "not JSON" });
    expect(lines[2]).toMatchObject({ corrupt: "no receivedAt time" });
  });

  it("keeps a secret in an event only redacted, and the line stays an event", async () => {
    const archive = kind.make();
    const jwt = `eyJ${"a".repeat(20)}.${"b".repeat(20)}.${"c".repeat(20)}`;
    const secretEvent = {
      ...event("with-secrets"),
      data: {
        headers: { Authorization: `Bearer ${jwt}` },
        // A number after a secret key: redacting the text alone would leave `"client_secret": [redacted]`.
        client_secret: 123456789,
        note: "keep me",
      },
    };
    await archive.append({ receivedAt: "2026-05-05T05:05:05.000Z", event: secretEvent });
    const stored = (await kind.files())["2026/05/05/05/writer-a.jsonl"] ?? "";
    expect(stored).not.toContain(jwt);
    expect(stored).not.toContain("123456789");
    const [line] = await readAll(archive, "2026-05-05T05:00:00Z", "2026-05-05T06:00:00Z");
    expect(line).toMatchObject({
      receivedAt: "2026-05-05T05:05:05.000Z",
      event: {
        id: "with-secrets",
        data: { client_secret: "[redacted]", note: "keep me" },
      },
    });
    expect(line).toMatchObject({ event: { data: { headers: { Authorization: "[redacted]" } } } });
  });

  it("keeps two writers of one hour in two files, every event of both read back", async () => {
    const one = kind.make({ writer: "writer-1" });
    const two = kind.make({ writer: "writer-2" });
    // Interleaved, one after the other: each writer's own order is what the read keeps.
    for (let i = 0; i < 20; i++)
      await (i % 2 === 0 ? one : two).append({
        receivedAt: `2026-06-06T06:${String(i).padStart(2, "0")}:00.000Z`,
        event: event(`w-${i}`),
      });
    const files = Object.keys(await kind.files()).filter((n) => n.startsWith("2026/06/06/06/"));
    expect(files.sort()).toEqual(["2026/06/06/06/writer-1.jsonl", "2026/06/06/06/writer-2.jsonl"]);
    const ids = idsOf(await readAll(one, "2026-06-06T06:00:00Z", "2026-06-06T07:00:00Z"));
    expect(ids).toHaveLength(20);
    // Within the hour, writer by writer, each in the order it wrote.
    expect(ids).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `w-${2 * i}`),
      ...Array.from({ length: 10 }, (_, i) => `w-${2 * i + 1}`),
    ]);
  });

  it("makes what is missing when many first appends race, and loses none", async () => {
    const archive = kind.make({ writer: "racer", fresh: true });
    await reset();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        archive.append({ receivedAt: "2026-07-07T07:07:07.000Z", event: event(`r-${i}`) }),
      ),
    );
    const ids = idsOf(await readAll(archive, "2026-07-07T07:00:00Z", "2026-07-07T08:00:00Z"));
    expect(ids.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `r-${i}`).sort());
  });
});

describe("the blob archive at an append blob's block limit", () => {
  const container = () => service.getContainerClient(STORAGE_CONTAINERS.eventArchive);

  it("rolls over to <writer>-2.jsonl, -3, … and reads the parts in order", async () => {
    const archive = createBlobEventArchive(() => service, "azurite/", {
      writer: "roller",
      blocksPerBlob: 3,
    });
    for (let i = 0; i < 7; i++)
      await archive.append({ receivedAt: "2026-08-08T08:00:00.000Z", event: event(`b-${i}`) });
    const names: string[] = [];
    for await (const blob of container().listBlobsFlat({ prefix: "2026/08/08/08/roller" }))
      names.push(blob.name);
    expect(names.map((n) => parseArchiveFileName(n)?.part).sort()).toEqual([1, 2, 3]);
    const ids = idsOf(await readAll(archive, "2026-08-08T08:00:00Z", "2026-08-08T09:00:00Z"));
    expect(ids).toEqual(Array.from({ length: 7 }, (_, i) => `b-${i}`));
  });

  it("after a restart, takes Azure's BlockCountExceedsLimit as the cue to find the writer's newest part", async () => {
    // Before the restart: parts 1 and 2 of the hour.
    const before = createBlobEventArchive(() => service, "azurite/", {
      writer: "restarted",
      blocksPerBlob: 2,
    });
    for (let i = 0; i < 3; i++)
      await before.append({ receivedAt: "2026-09-09T09:00:00.000Z", event: event(`p-${i}`) });
    // After it: a new process with the same WEBSITE_INSTANCE_ID starts at part 1, which Azure says is full.
    const full = "2026/09/09/09/restarted.jsonl";
    const refusing = new Proxy(service, {
      get(target, key, receiver) {
        if (key !== "getContainerClient") return Reflect.get(target, key, receiver) as unknown;
        return (name: string) => {
          const real = target.getContainerClient(name);
          return new Proxy(real, {
            get(c, k, r) {
              if (k !== "getAppendBlobClient") return Reflect.get(c, k, r) as unknown;
              return (blobName: string) => {
                const blob = c.getAppendBlobClient(blobName);
                if (blobName !== full) return blob;
                return Object.assign(Object.create(blob) as object, {
                  appendBlock: () =>
                    Promise.reject(
                      Object.assign(
                        new Error(
                          "The committed block count cannot exceed the maximum limit of 50,000 blocks.",
                        ),
                        {
                          statusCode: 409,
                          code: "BlockCountExceedsLimit",
                        },
                      ),
                    ),
                });
              };
            },
          });
        };
      },
    });
    const after = createBlobEventArchive(() => refusing, "azurite/", { writer: "restarted" });
    await after.append({ receivedAt: "2026-09-09T09:30:00.000Z", event: event("p-3") });
    const files = await blobKind().files();
    // Part 2 had room: the event went there, not to a part 3.
    expect(files["2026/09/09/09/restarted-2.jsonl"]?.trim().split("\n")).toHaveLength(2);
    expect(files["2026/09/09/09/restarted-3.jsonl"]).toBeUndefined();
  });
});

describe("the folder archive's open file", () => {
  it("takes a burst of 2,000 appends at once through one descriptor, every line whole", async () => {
    const dir = mkdtempSync(join(tmpdir(), "archive-burst-"));
    const archive = createFolderEventArchive(dir, { writer: "burst" });
    await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        archive.append({ receivedAt: "2026-10-10T10:10:10.000Z", event: event(`x-${i}`) }),
      ),
    );
    const ids = idsOf(await readAll(archive, "2026-10-10T10:00:00Z", "2026-10-10T11:00:00Z"));
    expect(ids).toEqual(Array.from({ length: 2000 }, (_, i) => `x-${i}`));
  });

  it("opens the hour's file again when someone removed the archive while it was open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "archive-removed-"));
    const archive = createFolderEventArchive(dir, { writer: "kept" });
    await archive.append({ receivedAt: "2026-10-11T10:00:00.000Z", event: event("before") });
    rmSync(dir, { recursive: true, force: true });
    // The descriptor is looked at once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await archive.append({ receivedAt: "2026-10-11T10:30:00.000Z", event: event("after") });
    expect(idsOf(await readAll(archive, "2026-10-11T10:00:00Z", "2026-10-11T11:00:00Z"))).toEqual([
      "after",
    ]);
  });
});
