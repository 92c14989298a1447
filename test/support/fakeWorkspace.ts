import type { AssetVersion, WatchedJob, WorkspaceReader } from "../../shared/watch/workspaceReader";

/** An in-memory workspace for the watcher's logic: models and data by name, jobs by name. */
export interface FakeWorkspace extends WorkspaceReader {
  models: Map<string, AssetVersion[]>;
  data: Map<string, AssetVersion[]>;
  jobs: Map<string, WatchedJob>;
  /** Registers a version `seconds` after the epoch of the test (createdAt increases with it). */
  addModel(name: string, version: string, tags?: Record<string, string>, seconds?: number): void;
  setTags(name: string, version: string, tags: Record<string, string>): void;
}

const clock = { next: Date.parse("2026-12-01T00:00:00Z") };

/** A fresh fake workspace; every read counts one. */
export function fakeWorkspace(): FakeWorkspace {
  let reads = 0;
  const models = new Map<string, AssetVersion[]>();
  const data = new Map<string, AssetVersion[]>();
  const jobs = new Map<string, WatchedJob>();
  const newest = (list: AssetVersion[] | undefined, top: number) =>
    [...(list ?? [])]
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .slice(0, top)
      .map((v) => ({ ...v, tags: { ...v.tags } }));
  return {
    models,
    data,
    jobs,
    get reads() {
      return reads;
    },
    addModel(name, version, tags = {}) {
      clock.next += 1000;
      const list = models.get(name) ?? [];
      list.push({ name, version, createdAt: new Date(clock.next).toISOString(), tags });
      models.set(name, list);
    },
    setTags(name, version, tags) {
      const found = models.get(name)?.find((v) => v.version === version);
      if (!found) throw new Error(`no ${name}:${version}`);
      found.tags = tags;
    },
    modelNames() {
      reads += 1;
      return Promise.resolve([...models.keys()]);
    },
    modelVersions(_ws, name, top) {
      reads += 1;
      return Promise.resolve(newest(models.get(name), top));
    },
    dataNames() {
      reads += 1;
      return Promise.resolve([...data.keys()]);
    },
    dataVersions(_ws, name, top) {
      reads += 1;
      return Promise.resolve(newest(data.get(name), top));
    },
    lineageJobs() {
      reads += 1;
      return Promise.resolve([...jobs.values()].map((j) => ({ ...j })));
    },
    job(_ws, name) {
      reads += 1;
      const found = jobs.get(name);
      return Promise.resolve(found ? { ...found } : undefined);
    },
  };
}
