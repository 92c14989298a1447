import { describe, expect, it } from "vitest";

import {
  archiveFileName,
  archiveLineText,
  archiveWriterId,
  parseArchiveFileName,
  parseArchiveLine,
  redactedEvent,
} from "../../shared/archive/archiveLine";
import { archiveFilesIn, type ArchiveStorage } from "../../shared/archive/archiveWindow";

/** An archive holding these file names, recording every listing it is asked for. */
function storageOf(names: string[]) {
  const listed: string[] = [];
  const storage: ArchiveStorage = {
    where: (name) => name,
    folders(prefix) {
      listed.push(`folders ${prefix}`);
      const below = names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
      return Promise.resolve([
        ...new Set(below.filter((n) => n.includes("/")).map((n) => n.split("/")[0] ?? "")),
      ]);
    },
    files(prefix) {
      listed.push(`files ${prefix}`);
      return Promise.resolve(names.filter((n) => n.startsWith(prefix)));
    },
    async *lines() {},
  };
  return { storage, listed };
}

const at = (iso: string) => new Date(iso);

describe("which archive files a window reads, and what it lists to find them", () => {
  const names = [
    "2025/12/31/23/w1.jsonl",
    "2026/01/01/00/w1.jsonl",
    "2026/01/01/00/w1-10.jsonl",
    "2026/01/01/00/w1-2.jsonl",
    "2026/01/01/00/a0.jsonl",
    "2026/01/01/01/w1.jsonl",
    "2026/01/02/09/w1.jsonl",
    "2026/02/01/00/w1.jsonl",
    "2026/01/01/00/notes.txt",
    "2026/13/01/00/w1.jsonl",
  ];

  it("lists the one hour's folder and nothing else for a window inside an hour", async () => {
    const { storage, listed } = storageOf(names);
    expect(
      await archiveFilesIn(storage, at("2026-01-01T00:10:00Z"), at("2026-01-01T00:50:00Z")),
    ).toEqual([
      "2026/01/01/00/a0.jsonl",
      "2026/01/01/00/w1.jsonl",
      "2026/01/01/00/w1-2.jsonl",
      "2026/01/01/00/w1-10.jsonl",
    ]);
    expect(listed).toEqual(["files 2026/01/01/00/"]);
  });

  it("lists a day's files once for hours of one day, and keeps only the window's hours", async () => {
    const { storage, listed } = storageOf(names);
    expect(
      await archiveFilesIn(storage, at("2026-01-01T00:30:00Z"), at("2026-01-01T02:00:00Z")),
    ).toHaveLength(5);
    expect(listed).toEqual(["files 2026/01/01/"]);
  });

  it("walks down from the folders the window's ends share, across a year's end, skipping what is not a date", async () => {
    const { storage, listed } = storageOf(names);
    expect(
      await archiveFilesIn(storage, at("2025-12-31T23:00:00Z"), at("2026-01-02T00:00:00Z")),
    ).toEqual([
      "2025/12/31/23/w1.jsonl",
      "2026/01/01/00/a0.jsonl",
      "2026/01/01/00/w1.jsonl",
      "2026/01/01/00/w1-2.jsonl",
      "2026/01/01/00/w1-10.jsonl",
      "2026/01/01/01/w1.jsonl",
    ]);
    // Not 2026/02 (after the window), not 2026/13 (no month), not 2026/01/02.
    expect(listed).toEqual([
      "folders ",
      "folders 2025/",
      "folders 2025/12/",
      "folders 2026/",
      "folders 2026/01/",
      "files 2025/12/31/",
      "files 2026/01/01/",
    ]);
  });

  it("reads nothing for an empty or reversed window", async () => {
    const { storage, listed } = storageOf(names);
    expect(
      await archiveFilesIn(storage, at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z")),
    ).toEqual([]);
    expect(listed).toEqual([]);
  });
});

describe("archive lines", () => {
  it("name files per hour, writer and part, and read those names back", () => {
    expect(archiveFileName("2026/01/01/00", "abc")).toBe("2026/01/01/00/abc.jsonl");
    expect(archiveFileName("2026/01/01/00", "abc", 3)).toBe("2026/01/01/00/abc-3.jsonl");
    expect(parseArchiveFileName("2026/01/01/00/abc-3.jsonl")).toEqual({
      hour: "2026/01/01/00",
      writer: "abc",
      part: 3,
    });
    expect(parseArchiveFileName("2026/01/01/abc.jsonl")).toBeUndefined();
  });

  it("take the writer from WEBSITE_INSTANCE_ID when there is one: 12 hex, stable", () => {
    const id = archiveWriterId({ WEBSITE_INSTANCE_ID: "instance-1" });
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(archiveWriterId({ WEBSITE_INSTANCE_ID: "instance-1" })).toBe(id);
    expect(archiveWriterId({ WEBSITE_INSTANCE_ID: "instance-2" })).not.toBe(id);
    expect(archiveWriterId({})).toMatch(/^[0-9a-f]{12}$/);
  });

  it("keep an event without secrets exactly as it came", () => {
    const event = { id: "1", data: { text: 'a "quoted" \\ value', n: 3, ok: true, none: null } };
    expect(redactedEvent(event, {})).toBe(event);
    const line = archiveLineText({ receivedAt: "2026-01-01T00:00:00.000Z", event }, {});
    expect(parseArchiveLine(line, "x:1")).toEqual({
      receivedAt: "2026-01-01T00:00:00.000Z",
      event,
    });
  });

  it("redact secrets where the redactor's text patterns would break the JSON", () => {
    const env = { AZURE_CLIENT_SECRET: "s3cr3t-value-123" };
    const event = {
      headers: { authorization: { scheme: "Basic", parameter: "dXNlcjpwYXNz" } },
      client_secret: 42,
      escaped: 'Basic a\\"b',
      copy: "the value s3cr3t-value-123 again",
      keep: "nothing secret here",
    };
    const kept = redactedEvent({ ...event, authorization: event.escaped }, env);
    const text = JSON.stringify(kept);
    expect(text).not.toMatch(/dXNlcjpwYXNz|42|s3cr3t-value-123|a\\\\"b/);
    expect(kept).toMatchObject({
      headers: { authorization: "[redacted]" },
      client_secret: "[redacted]",
      authorization: "[redacted]",
      keep: "nothing secret here",
    });
  });

  it("say why a line is not an archived event", () => {
    expect(parseArchiveLine("{", "f:1")).toEqual({ corrupt: "not JSON", where: "f:1" });
    expect(parseArchiveLine("[]", "f:2")).toEqual({ corrupt: "not a JSON object", where: "f:2" });
    expect(parseArchiveLine('{"receivedAt":"yesterday","event":{}}', "f:3")).toEqual({
      corrupt: "no receivedAt time",
      where: "f:3",
    });
    expect(parseArchiveLine('{"receivedAt":"2026-01-01T00:00:00Z"}', "f:4")).toEqual({
      corrupt: "no event",
      where: "f:4",
    });
  });
});
