import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";

import { backoffMs, isRetryableStatus, requestedDelayMs } from "../../shared/aml/retryDelay";

const response = (headers: Record<string, string>): PipelineResponse => ({
  status: 429,
  headers: createHttpHeaders(headers),
  request: createPipelineRequest({ url: "https://x" }),
});

describe("retry timing", () => {
  it.each([
    [{ "retry-after": "7" }, 7000],
    [{ "retry-after-ms": "250" }, 250],
    [{ "x-ms-retry-after-ms": "40" }, 40],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }, 5000],
    [{}, undefined],
    [{ "retry-after": "soon" }, undefined],
  ])("reads %j as %s ms", (headers, expected) => {
    expect(requestedDelayMs(response(headers), Date.parse("2026-01-01T00:00:00Z"))).toBe(expected);
  });

  it.each([
    [{ "retry-after": "86400" }, 60_000],
    [{ "retry-after": "Thu, 01 Jan 2026 01:00:00 GMT" }, 60_000],
    [{ "retry-after-ms": "90000" }, 60_000],
  ])("caps %j at 60 s: one answer must not stop the process for longer", (headers, expected) => {
    expect(requestedDelayMs(response(headers), Date.parse("2026-01-01T00:00:00Z"))).toBe(expected);
  });

  it.each([
    [{ "retry-after": "Thursday, 01-Jan-26 00:00:09 GMT" }, 9000],
    [{ "retry-after": "Thu Jan  1 00:00:03 2026" }, 3000],
    [{ "retry-after": "-5" }, undefined],
    [{ "retry-after": "foo 2" }, undefined],
    [{ "retry-after": "1.5" }, undefined],
  ])("reads the obsolete HTTP-date forms, and nothing else: %j as %s ms", (headers, expected) => {
    expect(requestedDelayMs(response(headers), Date.parse("2026-01-01T00:00:00Z"))).toBe(expected);
  });

  it("backs off exponentially up to 4 s", () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffMs(n, () => 0.5))).toEqual([
      250, 500, 1000, 2000, 4000, 4000,
    ]);
  });

  it.each([
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [501, false],
    [505, false],
    [400, false],
    [409, false],
  ])("status %i retryable: %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});
