/**
 * The protocol client against the emulated board (QEMU mps2-an386): classes equal to the
 * interpreter's, the reported time equal to the exec-log instruction count's estimate, the
 * image for the contest's script never losing a "begin" to the script's buffer reset, and
 * malformed input (a non-number, too few samples, extra spaces) answered as documented in
 * docs/board-protocol.md, with the board serving the next segment.
 */
import assert from "node:assert/strict";
import type { ModelIR } from "../../lib/ir/mod.ts";
import { predictClass, quantizeInput, rateZoneOf, runInt8 } from "../../lib/interp/mod.ts";
import { latencyMsEstimate } from "../../lib/metrics/mod.ts";
import { buildM4Image, countM4, writeGeneratedModel } from "../../lib/firmware/mod.ts";
import {
  type BoardReply,
  buildBoardImage,
  exchangeSegment,
  pythonFloatRepr,
  startBoard,
} from "../../lib/board/mod.ts";
import { loadSegments } from "../ir/_fixtures.ts";
import { int8Model } from "../firmware/_models.ts";

/** The host script's text for samples (float32 values printed as Python prints float64). */
const textOf = (samples: Float32Array) =>
  Array.from(samples, (x) => `${pythonFloatRepr(x)} `).join("");

const expectedClass = (ir: ModelIR, samples: Float32Array) => {
  const input = quantizeInput(ir, samples);
  return predictClass(ir, runInt8(ir, input).output, rateZoneOf(ir, input));
};

function assertResult(reply: BoardReply, predicted: number): number {
  assert.equal(reply.kind, "result", `reply ${reply.reply}`);
  if (reply.kind !== "result") throw new Error("unreachable");
  assert.equal(reply.predicted, predicted);
  assert.match(reply.reply, /^[01],\d\.\d{6}$/);
  return reply.seconds;
}

Deno.test("board protocol: classes equal the interpreter's, time equals the exec-log estimate", async () => {
  const ir = await int8Model("nnom");
  const { samples } = await loadSegments();
  // The scoring image: "begin" right behind the reply, which the client keeps; no timer while
  // samples arrive.
  const elf = await buildBoardImage(ir, undefined, { beginDelayMs: 0, sampleTimeout: false });
  const board = await startBoard(elf);
  const seconds: number[] = [];
  try {
    for (const segment of samples.slice(0, 3)) {
      const reply = await exchangeSegment(board.line, textOf(segment));
      seconds.push(assertResult(reply, expectedClass(ir, segment)));
    }
  } finally {
    await board.close();
  }
  // The same kernels and model in the semihosting harness, counted exactly from QEMU's log.
  const model = await writeGeneratedModel(ir);
  const harness = await buildM4Image(model, { optimize: "-Os", kernels: "m4" });
  const inputs = quantizeInput(ir, samples[0]);
  const count = await countM4(harness, {
    count: 1,
    length: inputs.length,
    inputs,
    labels: new Uint8Array(1),
  });
  const expectedUs = latencyMsEstimate(count.total) * 1000;
  // One SysTick tick is 40 instructions (0.61 µs); the reply's unit is 1 µs.
  assert.ok(Math.abs(seconds[0] * 1e6 - expectedUs) <= 1.5, `${seconds[0]} s vs ${expectedUs} µs`);
});

Deno.test("board protocol: the image for the contest's script pauses before begin past the script's buffer reset", async () => {
  const ir = await int8Model("nnom");
  const { samples } = await loadSegments();
  const board = await startBoard(await buildBoardImage(ir));
  try {
    // Discarding every byte after the reply, as validation.py does: a begin sent before the
    // host's reset would be lost and the next round would time out.
    for (const segment of samples.slice(0, 4)) {
      const reply = await exchangeSegment(board.line, textOf(segment), {
        discardAfterReply: true,
        timeoutMs: 10_000,
      });
      assertResult(reply, expectedClass(ir, segment));
    }
  } finally {
    await board.close();
  }
});

Deno.test("board protocol: malformed input gets its documented reply, then the next segment is served", async () => {
  const ir = await int8Model("nnom");
  const { samples } = await loadSegments();
  const segment = samples[1];
  const good = textOf(segment);
  const expected = expectedClass(ir, segment);
  const tokens = good.trim().split(" ");
  // The image with the silence timeout (the contest script's), without its pause before begin.
  const board = await startBoard(await buildBoardImage(ir, undefined, { beginDelayMs: 0 }));
  try {
    // A non-number at sample 5: counted as a sample, reported, no inference.
    const bad = [...tokens.slice(0, 5), "abc", ...tokens.slice(6)].map((t) => `${t} `).join("");
    assert.deepEqual(await exchangeSegment(board.line, bad), {
      kind: "error",
      reply: "EN,0000005",
      code: "N",
      index: 5,
    });
    assertResult(await exchangeSegment(board.line, good), expected);
    // Extra spaces (a leading one, doubled ones, tabs) separate numbers like one space.
    const spaced = " " + tokens.map((t, i) => `${t}${i % 7 === 0 ? "  \t" : " "}`).join("");
    assertResult(await exchangeSegment(board.line, spaced), expected);
    // Too few samples: the line goes quiet, the board times out (1.3–2 s) and says how many came.
    const few = tokens.slice(0, 1000).map((t) => `${t} `).join("");
    assert.deepEqual(await exchangeSegment(board.line, few), {
      kind: "error",
      reply: "ET,0001000",
      code: "T",
      index: 1000,
    });
    assertResult(await exchangeSegment(board.line, good), expected);
  } finally {
    await board.close();
  }
});
