interface LokiCollection {
  dirty: boolean;
}
interface LokiDatabase {
  filename: string;
  persistenceMethod: string | null;
  collections: LokiCollection[];
  serialize(): string;
}
interface LokiModule {
  prototype: { configureOptions: (this: LokiDatabase, ...args: unknown[]) => unknown };
  Collection: { prototype: object };
}

/**
 * Runs inside Azurite's process (passed as source text): every LokiJS database there is written to
 * disk as soon as it changes, before Azurite answers. Azurite saves its metadata every 5 s
 * (`autosaveInterval: 5000` in its Loki stores) with no option to change it, so a SIGKILL lost every
 * blob and container written in the last 5 s, though each had been answered 201.
 */
export function saveLokiOnEveryChange(lokiPath: string): void {
  // This runs as source text in Azurite's process, where an import of this module cannot reach.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require("node:fs") as typeof import("node:fs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Loki = require(lokiPath) as LokiModule;
  const databases = new Set<LokiDatabase>();
  const configure = Loki.prototype.configureOptions;
  Loki.prototype.configureOptions = function (this: LokiDatabase, ...args: unknown[]) {
    databases.add(this);
    return configure.apply(this, args);
  };
  let pending = false;
  const saveChanged = () => {
    pending = false;
    for (const db of databases) {
      if (db.persistenceMethod !== "fs" || !db.collections.some((c) => c.dirty)) continue;
      // As Loki's own fs adapter saves: a temporary file renamed over the database.
      fs.writeFileSync(`${db.filename}~`, db.serialize());
      fs.renameSync(`${db.filename}~`, db.filename);
      for (const collection of db.collections) collection.dirty = false;
    }
  };
  const flags = new WeakMap<object, boolean>();
  // Every change to a collection sets `dirty`; the save runs in the microtask after the change,
  // which is before the continuation that writes Azurite's HTTP answer.
  Object.defineProperty(Loki.Collection.prototype, "dirty", {
    configurable: true,
    get(this: object) {
      return flags.get(this) === true;
    },
    set(this: object, value: boolean) {
      flags.set(this, value);
      if (value && !pending) {
        pending = true;
        queueMicrotask(saveChanged);
      }
    },
  });
}

/** `node -e` source that makes Azurite's saves durable, then runs Azurite's CLI at `bin` with the arguments after it. */
export function durableAzuriteEntry(bin: string, lokiPath: string): string {
  return [
    `(${saveLokiOnEveryChange.toString()})(${JSON.stringify(lokiPath)});`,
    `process.argv.splice(1, 0, ${JSON.stringify(bin)});`,
    `require(${JSON.stringify(bin)});`,
  ].join("\n");
}
