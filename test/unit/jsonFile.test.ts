import { describe, expect, it } from "vitest";

import { JsonSyntaxError, lineColumn, parseJson } from "../../scripts/cli/jsonFile";

const failure = (text: string) => {
  try {
    parseJson(text, "events.json");
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error("parsed");
};

describe("parseJson", () => {
  it("points a trailing comma out at its own line and column", () => {
    const error = failure('{\n  "Values": {\n    "A": "1",\n  }\n}');
    expect([error.line, error.column]).toEqual([3, 13]);
    expect(error.message).toBe(
      "events.json:3:13: not valid JSON: a trailing comma before '}' (JSON allows none)",
    );
  });

  it("gives line:col where V8 names no position (an unexpected token, an early end)", () => {
    expect(failure('{\n  "a": tru\n}').message).toBe(
      "events.json:2:8: not valid JSON: Unexpected token 'tru'",
    );
    expect(failure('[\n  {"a": 1}').message).toMatch(/^events\.json:2:11: .*ends too early/);
  });

  it("names a comment and keeps V8's words for other mistakes, without 'position N'", () => {
    expect(failure('{\n  // note\n  "a": 1\n}').message).toBe(
      "events.json:2:3: not valid JSON: a comment (JSON allows none)",
    );
    const error = failure('{"a": 1 "b": 2}');
    expect(error.message).toBe(
      "events.json:1:9: not valid JSON: Expected ',' or '}' after property value",
    );
  });

  it("reads a file a Windows editor saved with a byte-order mark", () => {
    expect(parseJson('\uFEFF{"a": 1}', "x.json")).toEqual({ a: 1 });
  });
});

describe("lineColumn", () => {
  it("counts lines across \\n and \\r\\n, columns from 1", () => {
    expect(lineColumn("ab\r\ncd\nef", 8)).toEqual({ line: 3, column: 2 });
    expect(lineColumn("ab", 0)).toEqual({ line: 1, column: 1 });
  });
});
