import { describe, expect, it } from "vitest";

import { callerFromToken } from "../../scripts/cli/tokenCaller";
import { entryNameOf } from "../../scripts/replay/discard";
import { discardedBy } from "../../scripts/replay/discardedBy";
import {
  discardedEntryName,
  discardedText,
  isEntryName,
  rejectionEntryName,
} from "../../shared/rejections/rejectionStore";

const jwt = (claims: Record<string, unknown>) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

describe("rejection ids for --discard", () => {
  it("accept every name the store makes, and nothing that leaves it or reaches its discarded copies", () => {
    expect(isEntryName(rejectionEntryName("../../etc/passwd", "wf", {}))).toBe(true);
    expect(isEntryName(rejectionEntryName(null, null, {}))).toBe(true);
    expect(isEntryName(rejectionEntryName("e1", "wf.report", {}))).toBe(true);
    for (const bad of [
      "../x-0000000000000000/_event.json",
      "x/../../_event.json",
      "/etc/passwd.json",
      "a\\b/_event.json",
      "discarded/x-0000000000000000",
      "x-0000000000000000/_event.json/more.json",
      "x-0000000000000000/_event",
    ])
      expect(isEntryName(bad), bad).toBe(false);
  });

  it("take the store's location before the name, as status prints it", () => {
    const location = "http://127.0.0.1:10000/devstoreaccount1/rejected-events";
    expect(entryNameOf(`${location}/e-1/_event.json`, location)).toBe("e-1/_event.json");
    expect(entryNameOf(" e-1/_event.json ", location)).toBe("e-1/_event.json");
  });
});

describe("the audit copy of a discarded entry", () => {
  const audit = { by: "alice@contoso.com", at: "2026-12-06T10:15:00.123Z" };

  it("is named by its entry and the time, so discarding it again adds a copy", () => {
    expect(discardedEntryName("e-1/wf.json", audit.at)).toBe(
      "discarded/e-1/wf.20261206T101500123Z.json",
    );
  });

  it("holds who, when and from where, and the record as it was", () => {
    const record = { eventId: "e", workflow: null, reason: "r", time: "t", event: { a: 1 } };
    const copy = JSON.parse(
      discardedText({ name: "e-1/_event.json", text: JSON.stringify(record), version: "v" }, audit),
    ) as unknown;
    expect(copy).toEqual({ discarded: { ...audit, from: "e-1/_event.json" }, ...record });
  });
});

describe("who discarded", () => {
  it("is the principal in the storage token, then the local user", async () => {
    expect(callerFromToken(jwt({ oid: "o-1", upn: "alice@contoso.com" }))).toBe(
      "alice@contoso.com",
    );
    // An application is named as one, as approve names it.
    expect(callerFromToken(jwt({ appid: "app-1", oid: "o-1" }))).toBe("app app-1");
    expect(callerFromToken("not a token")).toBeUndefined();
    const credential = {
      getToken: () =>
        Promise.resolve({ token: jwt({ upn: "bob@contoso.com" }), expiresOnTimestamp: 0 }),
    };
    expect(await discardedBy(credential)).toMatch(/^bob@contoso\.com \(on .+@.+\)$/);
    const failing = { getToken: () => Promise.reject(new Error("no az login")) };
    expect(await discardedBy(failing)).toMatch(/^[^ ]+@[^ ]+$/);
  });
});
