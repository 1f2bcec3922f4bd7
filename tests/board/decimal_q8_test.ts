/**
 * The board's decimal parser (firmware/board/decimal_q8.c, built for the host) against the
 * interpreter's quantizeInput on tricky values: halves, ±2.5, many digits, negative zero,
 * exponents, clipping and saturation, and the forms it must refuse.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { quantizeInput } from "../../lib/interp/mod.ts";
import type { ModelIR } from "../../lib/ir/ir.ts";
import { buildProgram } from "../../lib/firmware/compile.ts";
import { BOARD_FIRMWARE_DIR, boardDefines } from "../../lib/board/mod.ts";

/** A minimal int8 IR: all quantizeInput reads. */
function inputIR(dec: number, inputClip: number | null): ModelIR {
  return {
    form: "int8",
    input: "x",
    inputClip,
    tensors: { x: { dec, dtype: "int8", shape: [1250, 1] } },
  } as unknown as ModelIR;
}

async function parser(): Promise<string> {
  const program = await buildProgram({
    target: "host",
    sources: [
      join(BOARD_FIRMWARE_DIR, "host", "decimal_q8_cli.c"),
      join(BOARD_FIRMWARE_DIR, "decimal_q8.c"),
    ],
    includeDirs: [BOARD_FIRMWARE_DIR],
    optimize: "-O2",
  });
  return program.path;
}

/** Runs the C parser on `tokens` with the IR's dec and clip; one result per token. */
async function parseAll(ir: ModelIR, tokens: string[]): Promise<(number | "invalid")[]> {
  const { BOARD_Q_MIN, BOARD_Q_MAX } = boardDefines(ir);
  const dec = ir.tensors[ir.input].dec;
  const input = tokens.map((t) => `${dec} ${BOARD_Q_MIN} ${BOARD_Q_MAX} ${t}\n`).join("");
  const child = new Deno.Command(await parser(), { stdin: "piped", stdout: "piped" }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  assert.equal(output.code, 0);
  return new TextDecoder().decode(output.stdout).trim().split("\n").map((line) =>
    line === "invalid" ? "invalid" : Number(line)
  );
}

/** quantizeInput of a token read as the data loader reads it (decimal → float64 → float32). */
function reference(ir: ModelIR, token: string): number {
  return quantizeInput(ir, Float32Array.of(Number(token)))[0];
}

const TRICKY = [
  "0",
  "-0",
  "-0.0",
  "0.0",
  "+0",
  ".5",
  "-.5",
  "5.",
  "2.5",
  "-2.5",
  "3.5",
  "-3.5",
  "0.5",
  "-0.5",
  "1.5",
  "-1.5",
  "0.00390625",
  "-0.00390625",
  "0.01171875",
  "-0.01171875",
  "0.99609375",
  "-0.99609375",
  "1",
  "-1",
  "1.0000001",
  "-1.0000001",
  "0.9999999",
  "-0.0017181",
  "0.0017181",
  "1e-05",
  "-1e-05",
  "1.5e-3",
  "-1.5E-3",
  "3.90625e-3",
  "-3.90625e-3",
  "39.0625e-4",
  "1e0",
  "1e+0",
  "0.0000000000000000000000000000001",
  "-1e-300",
  "1e300",
  "-1e300",
  "123456789",
  "-123456789",
  "0.123456789012345678901234567890123456789",
  "-0.99999999999999999999999",
  "2.4999999",
  "-2.4999999",
  "1e-7",
  "7.8125e-3",
  "-7.8125e-3",
  "1.23456789e2",
  "0.0625",
  "-0.0625",
  "00001.500",
  "-0000.00390625000",
];

Deno.test("decimal parser equals quantizeInput on tricky values (dec 7, clip 1)", async () => {
  const ir = inputIR(7, 1);
  assert.deepEqual(await parseAll(ir, TRICKY), TRICKY.map((t) => reference(ir, t)));
});

Deno.test("decimal parser rounds halves up, as quantizeInput does (dec 0, no clip)", async () => {
  const ir = inputIR(0, null);
  const got = await parseAll(ir, ["2.5", "-2.5", "-3.5", "0.5", "-0.5", "127.5", "-128.5"]);
  assert.deepEqual(got, [3, -2, -3, 1, 0, 127, -128]);
  assert.deepEqual(
    got,
    ["2.5", "-2.5", "-3.5", "0.5", "-0.5", "127.5", "-128.5"].map((t) => reference(ir, t)),
  );
});

Deno.test("decimal parser equals quantizeInput for several decs and clips", async () => {
  const tokens = [...TRICKY];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 400; i++) {
    // 7 fraction digits, as the data files have: exact rounding and float32 agree (see doc).
    tokens.push((random() * 6 - 3).toFixed(7));
  }
  for (const [dec, clip] of [[5, null], [7, 1], [9, 0.25], [10, 1], [-2, null], [15, null]]) {
    const ir = inputIR(dec as number, clip as number | null);
    assert.deepEqual(
      await parseAll(ir, tokens),
      tokens.map((t) => reference(ir, t)),
      `dec ${dec}, clip ${clip}`,
    );
  }
});

Deno.test("decimal parser refuses what is not a number", async () => {
  const bad = [
    "nan",
    "inf",
    "-inf",
    "1.2.3",
    "1e",
    "1e+",
    "-",
    "+",
    ".",
    ".e5",
    "e5",
    "0x10",
    "1,5",
  ];
  const got = await parseAll(inputIR(7, 1), bad);
  assert.deepEqual(got, bad.map(() => "invalid"));
});

Deno.test("decimal parser is exact where float32 is not (documented difference)", async () => {
  // 0.5/128 − 10^−17: exactly below the half, so 0; as float32 it is 2^−8 exactly, so 1.
  const ir = inputIR(7, 1);
  assert.deepEqual(await parseAll(ir, ["0.00390624999999999999"]), [0]);
  assert.equal(reference(ir, "0.00390624999999999999"), 1);
});

Deno.test("the board image refuses a peak-normalized model: its parser cannot know the peak yet", () => {
  const ir = { ...inputIR(7, null), peakNormalize: true } as ModelIR;
  assert.throws(() => boardDefines(ir), /does not support a peak-normalized model/);
});
