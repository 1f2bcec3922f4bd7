/** pythonFloatRepr() prints what Python's str(float) prints (values checked with CPython 3.11). */
import assert from "node:assert/strict";
import { hostSegmentText, pythonFloatRepr } from "../../lib/board/mod.ts";

Deno.test("pythonFloatRepr matches CPython's repr", () => {
  const cases: [number, string][] = [
    [0, "0.0"],
    [-0, "-0.0"],
    [1, "1.0"],
    [-2.5, "-2.5"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [-0.0000123, "-1.23e-05"],
    [1e-7, "1e-07"],
    [123456789012345680, "1.2345678901234568e+17"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [0.1 + 0.2, "0.30000000000000004"],
    [-0.0017181, "-0.0017181"],
    [2.3456789, "2.3456789"],
    [1e300, "1e+300"],
    [5e-324, "5e-324"],
  ];
  for (const [x, expected] of cases) assert.equal(pythonFloatRepr(x), expected, String(x));
});

Deno.test("hostSegmentText names the file and line of a bad number", () => {
  assert.throws(() => hostSegmentText("0.1\nabc\n", "S01-SR-1.txt"), {
    name: "SyntaxError",
    message: 'S01-SR-1.txt, line 2: "abc" is not a number',
  });
});
