import { describe, expect, it } from "vitest";

import { pythonFloatText, pythonLiteralText } from "../../shared/compile/pipeline/pythonText";

describe("literal text as azure-ai-ml sends it (Python str() of a PyYAML parse)", () => {
  it.each([
    [1, "1.0"],
    [0.8, "0.8"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [123456789.5, "123456789.5"],
    [1e16, "1e+16"],
    [-2.5, "-2.5"],
    [100, "100.0"],
  ])("repr(%s) is %s", (value, text) => {
    expect(pythonFloatText(value)).toBe(text);
  });

  it.each([
    ["1.0", 1, "1.0"],
    ["0.10", 0.1, "0.1"],
    ["2e-5", 0.00002, "2e-5"],
    ["1e-4", 0.0001, "1e-4"],
    ["1.0e-5", 0.00001, "1e-05"],
    ["20", 20, "20"],
    ["1_000", 1000, "1000"],
  ])("%s is sent as %s", (source, value, text) => {
    expect(pythonLiteralText(value, source)).toBe(text);
  });

  it("writes booleans the Python way and leaves strings alone", () => {
    expect(pythonLiteralText(true)).toBe("True");
    expect(pythonLiteralText("1.0")).toBe("1.0");
  });
});
