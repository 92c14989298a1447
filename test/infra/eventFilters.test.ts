import picomatch from "picomatch";
import { describe, expect, it } from "vitest";

import {
  literalPrefix,
  literalSuffix,
  sourceFilterOf,
  subjectFilterOf,
  typePrefixOf,
  workspaceEventTypes,
} from "../../infra/eventFilters";
import { AML_EVENT_TYPES, AZURE_EVENT_TYPES, WATCHED_EVENT_TYPES } from "../../shared/constants";

const BLOBS = "/blobServices/default/containers/landing/blobs/";

describe("the literal ends of a when.subject glob", () => {
  it.each([
    [`${BLOBS}churn/*.csv`, `${BLOBS}churn/`, ".csv"],
    [`${BLOBS}churn/**`, `${BLOBS}churn/`, ""],
    [`${BLOBS}churn/2026-??/data.parquet`, `${BLOBS}churn/2026-`, "/data.parquet"],
    [`${BLOBS}[ab]/x.csv`, BLOBS, "/x.csv"],
    [`${BLOBS}churn/*.{csv,parquet}`, `${BLOBS}churn/`, ""],
    [`${BLOBS}+(a|b).csv`, BLOBS, ".csv"],
    [`${BLOBS}exact.csv`, `${BLOBS}exact.csv`, `${BLOBS}exact.csv`],
    // An escaped "*" is literal, but stopping at the escape only widens the filter.
    [`${BLOBS}a\\*b.csv`, `${BLOBS}a`, "b.csv"],
    // A negated glob matches subjects that share nothing.
    ["!*.tmp", "", ""],
  ])("%s begins %j and ends %j", (glob, prefix, suffix) => {
    expect(literalPrefix(glob)).toBe(prefix);
    expect(literalSuffix(glob)).toBe(suffix);
  });

  it("never excludes a subject the glob matches (checked with picomatch, as the function matches)", () => {
    const cases: [string, string[]][] = [
      [`${BLOBS}churn/*.csv`, [`${BLOBS}churn/2026.csv`]],
      [`${BLOBS}{churn,sales}/**/*.csv`, [`${BLOBS}churn/a/b.csv`, `${BLOBS}sales/x.csv`]],
      [`${BLOBS}churn-+(1|2).csv`, [`${BLOBS}churn-1.csv`, `${BLOBS}churn-22.csv`]],
    ];
    for (const [glob, subjects] of cases)
      for (const subject of subjects) {
        expect(picomatch(glob, { dot: true })(subject), `${glob} ${subject}`).toBe(true);
        expect(subject.startsWith(literalPrefix(glob))).toBe(true);
        expect(subject.endsWith(literalSuffix(glob))).toBe(true);
      }
  });
});

describe("subjectFilterOf: one beginsWith and one endsWith for all the workflows of a subscription", () => {
  it("takes the longest literal start every workflow shares, and the end when all share one", () => {
    expect(subjectFilterOf([`${BLOBS}churn/*.csv`, `${BLOBS}churn-history/**/*.csv`])).toEqual({
      subjectBeginsWith: `${BLOBS}churn`,
      subjectEndsWith: ".csv",
    });
  });

  it("leaves out the end when one workflow's glob ends in a wildcard or another suffix", () => {
    expect(subjectFilterOf([`${BLOBS}churn/*.csv`, `${BLOBS}churn/*`])).toEqual({
      subjectBeginsWith: `${BLOBS}churn/`,
    });
    expect(subjectFilterOf([`${BLOBS}a/*.csv`, `${BLOBS}b/*.parquet`])).toEqual({
      subjectBeginsWith: BLOBS,
    });
  });

  it("has no filter when any workflow has no when.subject, or when there is no workflow", () => {
    expect(subjectFilterOf([`${BLOBS}churn/*.csv`, undefined])).toEqual({});
    expect(subjectFilterOf([])).toEqual({});
  });

  it("never cuts a character in half (two emoji share their first UTF-16 unit)", () => {
    expect(subjectFilterOf(["a\u{1F600}x", "a\u{1F601}x"])).toEqual({
      subjectBeginsWith: "a",
      subjectEndsWith: "x",
    });
    expect(subjectFilterOf(["x\u{1F600}", "y\u{1E600}"])).toEqual({});
  });

  it("has no beginsWith when a glob starts with a wildcard", () => {
    expect(subjectFilterOf(["**/*.csv", `${BLOBS}x.csv`])).toEqual({ subjectEndsWith: ".csv" });
  });
});

describe("event types per subscription", () => {
  const all = [
    AML_EVENT_TYPES.modelRegistered,
    WATCHED_EVENT_TYPES.modelTagsChanged,
    AZURE_EVENT_TYPES.blobCreated,
    AZURE_EVENT_TYPES.deviceTelemetry,
    "Contoso.Data.Landed",
  ];

  it("gives a workspace's system topic only Azure ML's own types, not the watcher's or other services'", () => {
    expect(workspaceEventTypes(all)).toEqual([AML_EVENT_TYPES.modelRegistered]);
    expect(workspaceEventTypes(["microsoft.machinelearningservices.RunCompleted"])).toHaveLength(1);
  });

  it("reads a topic type's namespace as the prefix of its event types", () => {
    expect(typePrefixOf("Microsoft.Devices.IoTHubs")).toBe("Microsoft.Devices.");
    expect(typePrefixOf("Microsoft.ResourceNotifications.HealthResources")).toBe(
      "Microsoft.ResourceNotifications.",
    );
  });

  it("gives a source the workflows' types under its namespace, with the subject filter of the workflows on them", () => {
    const config = {
      eventTypes: all,
      workflows: [
        { on: [AML_EVENT_TYPES.modelRegistered], when: {} },
        { on: [AZURE_EVENT_TYPES.blobCreated], when: { subject: { pattern: `${BLOBS}a/*.csv` } } },
        { on: [AZURE_EVENT_TYPES.deviceTelemetry], when: { subject: { pattern: "devices/s-*" } } },
      ],
    };
    expect(sourceFilterOf({ typePrefix: "Microsoft.Storage." }, config)).toEqual({
      includedEventTypes: [AZURE_EVENT_TYPES.blobCreated],
      subjectBeginsWith: `${BLOBS}a/`,
      subjectEndsWith: ".csv",
    });
    expect(sourceFilterOf({ typePrefix: "Microsoft.Devices." }, config)).toEqual({
      includedEventTypes: [AZURE_EVENT_TYPES.deviceTelemetry],
      subjectBeginsWith: "devices/s-",
    });
    expect(sourceFilterOf({ typePrefix: "Microsoft.KeyVault." }, config)).toBeUndefined();
    // Listed types are taken as given; no workflow on them means no subject filter.
    expect(
      sourceFilterOf(
        {
          typePrefix: "Microsoft.KeyVault.",
          eventTypes: ["Microsoft.KeyVault.SecretNewVersionCreated"],
        },
        config,
      ),
    ).toEqual({ includedEventTypes: ["Microsoft.KeyVault.SecretNewVersionCreated"] });
  });
});
