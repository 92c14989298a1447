import { parseArchiveFileName, parseArchiveLine } from "./archiveLine";
import { archiveHour, type ArchiveLine } from "./eventArchive";

/** How one archive is read: its folders, its files, a file's lines. Names are `/`-separated, relative to the archive. */
export interface ArchiveStorage {
  /** Where a file is, for a corrupt line's message. */
  where(name: string): string;
  /** The names of the folders directly under `prefix` ("" or ending in "/"); none when it is not there. */
  folders(prefix: string): Promise<string[]>;
  /** The names of every file under `prefix` (a day's or an hour's folder). */
  files(prefix: string): Promise<string[]>;
  /** A file's lines, in order; none when it went meanwhile (retention). */
  lines(name: string): AsyncIterable<string>;
}

/** [start, end) in epoch ms of a folder `YYYY[/MM[/DD[/HH]]]`, or undefined when the segments are not one. */
function spanOf(segments: string[]): [number, number] | undefined {
  const widths = [4, 2, 2, 2];
  if (segments.some((s, i) => !new RegExp(`^\\d{${widths[i] ?? 0}}$`).test(s))) return undefined;
  const [y = 0, m = 1, d = 1, h = 0] = segments.map(Number);
  const start = Date.UTC(y, m - 1, d, h);
  const end = [
    Date.UTC(y + 1, 0, 1),
    Date.UTC(y, m, 1),
    Date.UTC(y, m - 1, d + 1),
    Date.UTC(y, m - 1, d, h + 1),
  ][segments.length - 1];
  // 2026/13 or 2026/02/30 is no folder the archive makes.
  if (
    end === undefined ||
    archiveHour(new Date(start)).split("/").slice(0, segments.length).join("/") !==
      segments.join("/")
  )
    return undefined;
  return [start, end];
}

/** The day folders under `segments` that may hold hours in [since, until): listed, never guessed. */
async function daysUnder(
  storage: ArchiveStorage,
  segments: string[],
  since: number,
  until: number,
): Promise<string[][]> {
  if (segments.length === 3) return [segments];
  const prefix = segments.length === 0 ? "" : `${segments.join("/")}/`;
  const days: string[][] = [];
  for (const folder of (await storage.folders(prefix)).sort()) {
    const child = [...segments, folder];
    const span = spanOf(child);
    if (span && span[0] < until && span[1] > since)
      days.push(...(await daysUnder(storage, child, since, until)));
  }
  return days;
}

/**
 * The files holding hours in [since, until), oldest hour first, then by writer and part. Only the
 * window's folders are listed: the folders the window's two ends share are not listed at all, the
 * others one level at a time, and files a day (or the one hour) at a time.
 */
export async function archiveFilesIn(
  storage: ArchiveStorage,
  since: Date,
  until: Date,
): Promise<string[]> {
  const from = since.getTime();
  const to = until.getTime();
  if (!(from < to)) return [];
  const first = archiveHour(since).split("/");
  const last = archiveHour(new Date(to - 1)).split("/");
  let shared = 0;
  while (shared < 4 && first[shared] === last[shared]) shared += 1;
  const prefixes =
    shared === 4
      ? [`${first.join("/")}/`]
      : (await daysUnder(storage, first.slice(0, shared), from, to)).map((d) => `${d.join("/")}/`);
  const files: { name: string; hour: string; writer: string; part: number }[] = [];
  for (const prefix of prefixes)
    for (const name of await storage.files(prefix)) {
      const parsed = parseArchiveFileName(name);
      if (!parsed) continue;
      const span = spanOf(parsed.hour.split("/"));
      if (span && span[0] < to && span[1] > from) files.push({ name, ...parsed });
    }
  files.sort(
    (a, b) => a.hour.localeCompare(b.hour) || a.writer.localeCompare(b.writer) || a.part - b.part,
  );
  return files.map((f) => f.name);
}

/** Every event received in [since, until), oldest hour first, and every line in those files that is not one. */
export async function* readArchiveWindow(
  storage: ArchiveStorage,
  since: Date,
  until: Date,
): AsyncIterable<ArchiveLine> {
  const from = since.getTime();
  const to = until.getTime();
  for (const name of await archiveFilesIn(storage, since, until)) {
    let number = 0;
    for await (const text of storage.lines(name)) {
      number += 1;
      if (text.trim() === "") continue;
      const line = parseArchiveLine(text, `${storage.where(name)}:${number}`);
      if ("corrupt" in line) yield line;
      else {
        const at = Date.parse(line.receivedAt);
        if (at >= from && at < to) yield line;
      }
    }
  }
}
