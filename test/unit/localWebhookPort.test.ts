import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { localWebhookPort } from "../../scripts/events/localWebhook";
import { holdInstanceLock } from "../../scripts/localHost/instanceLock";

/** An Azurite data folder of the test's own, the lock written there as `npm start` writes it. */
function dataDirWithLock(lock?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "webhook-port-"));
  if (lock !== undefined) writeFileSync(join(dir, "npm-start.json"), `${JSON.stringify(lock)}\n`);
  return dir;
}

// The runner that started this test is alive, and is not this process (whose own lock is ignored).
const alivePid = process.ppid;
const appRoot = mkdtempSync(join(tmpdir(), "webhook-port-root-"));

describe("localWebhookPort: where send-event delivers", () => {
  it("takes the port the running npm start recorded when neither --port nor PORT is given", () => {
    const dir = mkdtempSync(join(tmpdir(), "webhook-port-"));
    const release = holdInstanceLock(dir, { pid: alivePid, webhookPort: 7072 });
    try {
      expect(localWebhookPort(undefined, appRoot, { AZURITE_DATA_DIR: dir })).toBe(7072);
      // PORT=0 lets the host take any port: only the lock knows which.
      expect(localWebhookPort(undefined, appRoot, { AZURITE_DATA_DIR: dir, PORT: "0" })).toBe(7072);
    } finally {
      release();
    }
  });

  it("--port, then PORT, win over the lock", () => {
    const dir = dataDirWithLock({ pid: alivePid, webhookPort: 7072 });
    expect(localWebhookPort("7080", appRoot, { AZURITE_DATA_DIR: dir, PORT: "7090" })).toBe(7080);
    expect(localWebhookPort(undefined, appRoot, { AZURITE_DATA_DIR: dir, PORT: "7090" })).toBe(
      7090,
    );
  });

  it("falls back to 7071 with no lock, a dead instance's lock, or a lock naming no port", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    for (const dir of [
      dataDirWithLock(),
      dataDirWithLock({ pid: dead, webhookPort: 7072 }),
      dataDirWithLock({ pid: alivePid }),
      dataDirWithLock({ pid: alivePid, webhookPort: "7072" }),
    ])
      expect(localWebhookPort(undefined, appRoot, { AZURITE_DATA_DIR: dir, PORT: "" })).toBe(7071);
  });

  it("names a bad --port or PORT", () => {
    const env = { AZURITE_DATA_DIR: dataDirWithLock() };
    expect(() => localWebhookPort("seventy", appRoot, env)).toThrow(
      /--port must be a port number \(1-65535\), got "seventy"/,
    );
    expect(() => localWebhookPort(undefined, appRoot, { ...env, PORT: "x" })).toThrow(
      /PORT must be a port number/,
    );
  });
});
