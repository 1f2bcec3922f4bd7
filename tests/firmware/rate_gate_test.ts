/**
 * The rate gate's C estimators against their TypeScript reference twiceMedianBeatInterval
 * (docs/int8-spec.md §14), null there being 0 in C: the reference C
 * (firmware/runtime/ref/rate_gate_s8.c, built for the host with sanitizers) and the Cortex-M4
 * DSP version (firmware/runtime/m4/rate_gate_s8.c, built at -Os and -O2 into
 * firmware/m4/rate_gate_check.c and run under QEMU, each segment at a different alignment), on
 * hand-made edge cases with their expected values, on random segments, and on real segments
 * quantized to int8. Their instruction counts are a benchmark: bench/rate_gate_instructions.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDataset, segment, twiceMedianBeatInterval } from "../../lib/data/mod.ts";
import { buildProgram, FIRMWARE_DIR } from "../../lib/firmware/compile.ts";
import { RUNTIME_INCLUDE } from "../../lib/firmware/runtime.ts";
import { quantizeInput } from "../../lib/interp/mod.ts";
import type { ModelIR } from "../../lib/ir/ir.ts";
import { mulberry32 } from "../../lib/random/mulberry32.ts";
import { buildRateGateImage, runRateGate } from "../../lib/firmware/rate_gate.ts";

const ARCHIVE = Deno.env.get("IEGM_ARCHIVE") ??
  fileURLToPath(
    new URL("../../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url),
  );

/** IEGM_RATE_GATE_MAX_N of iegm_kernels.h: the segment length of the dataset. */
const MAX_N = 1250;

const program = await buildProgram({
  target: "host",
  sources: [
    join(FIRMWARE_DIR, "runtime", "ref", "rate_gate_s8.c"),
    join(FIRMWARE_DIR, "host", "rate_gate_check.c"),
  ],
  includeDirs: [RUNTIME_INCLUDE],
  optimize: "-O2",
  extraFlags: ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"],
});

/** iegm_twice_median_beat_interval_s8 of each segment, in one run of the check program. */
async function twiceIntervalsC(segments: Int8Array[]): Promise<number[]> {
  const input = new Uint8Array(segments.reduce((n, x) => n + 4 + x.length, 0));
  const view = new DataView(input.buffer);
  let at = 0;
  for (const x of segments) {
    view.setUint32(at, x.length, true);
    input.set(new Uint8Array(x.buffer, x.byteOffset, x.length), at + 4);
    at += 4 + x.length;
  }
  const child = new Deno.Command(program.path, { stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const finished = child.output(); // read while writing: the pipes never fill up
  const writer = child.stdin.getWriter();
  await writer.write(input);
  await writer.close();
  const output = await finished;
  const decoder = new TextDecoder();
  assert.equal(output.code, 0, decoder.decode(output.stderr));
  return decoder.decode(output.stdout).trim().split("\n").map(Number);
}

/** The M4 version's optimisation levels under test; the image of each, built once. */
const M4_LEVELS = ["-Os", "-O2"] as const;
const m4Images = new Map(
  await Promise.all(M4_LEVELS.map(async (o) => [o, await buildRateGateImage("m4", o)] as const)),
);

/** The estimator's stack on the Cortex-M4 at -Os that iegm_kernels.h documents. */
const M4_STACK_BYTES = 184;

/** iegm_twice_median_beat_interval_s8 of the m4 kernels on each segment, under QEMU. */
async function twiceIntervalsM4(segments: Int8Array[], optimize: "-Os" | "-O2"): Promise<number[]> {
  return Array.from((await runRateGate(m4Images.get(optimize)!, segments)).results);
}

/** Every implementation under test, by name: the host reference and the M4 versions. */
const IMPLEMENTATIONS: [string, (segments: Int8Array[]) => Promise<number[]>][] = [
  ["reference C (host)", twiceIntervalsC],
  ...M4_LEVELS.map((o): [string, (segments: Int8Array[]) => Promise<number[]>] => [
    `m4 C (QEMU, ${o})`,
    (segments) => twiceIntervalsM4(segments, o),
  ]),
];

/** The TypeScript reference with null as the C side writes it. */
function twiceIntervalTs(x: Int8Array): number {
  return twiceMedianBeatInterval(x) ?? 0;
}

/** A segment of `n` samples with `shape` (values around the apex, apex first) at each of `at`. */
function withBeats(at: number[], shape: number[] = [100, 80, 60, 40, 20], n = MAX_N): Int8Array {
  const x = new Int8Array(n);
  for (const t of at) {
    shape.forEach((v, d) => {
      if (t - d >= 0) x[t - d] = v;
      if (t + d < n) x[t + d] = v;
    });
  }
  return x;
}

/** Beat positions from `start` with the given intervals. */
function positions(start: number, intervals: number[]): number[] {
  const at = [start];
  for (const d of intervals) at.push(at[at.length - 1] + d);
  return at;
}

/** Hand-made cases: name, segment, expected C result. */
const EDGE_CASES: [string, Int8Array, number][] = [
  ["a flat segment has no rate", new Int8Array(MAX_N), 0],
  ["a single beat has no rate", withBeats([600]), 0],
  ["one sample has no rate", Int8Array.of(-128), 0],
  ["two equal samples are one beat, at the last of the plateau", Int8Array.of(100, 100), 0],
  [
    "a plateau of equal maxima is one beat at its last sample (−128 clipped, every 100)",
    (() => {
      const x = new Int8Array(MAX_N);
      for (let t = 30; t < MAX_N - 2; t += 100) x[t] = x[t + 1] = x[t + 2] = -128;
      return x;
    })(),
    200,
  ],
  [
    "plateaus at 127 of different widths: intervals between their last samples (98, 102, …)",
    (() => {
      const x = new Int8Array(MAX_N);
      for (let t = 30, k = 0; t < MAX_N - 4; t += 100, k++) {
        for (let d = 0; d < (k % 2 ? 1 : 3); d++) x[t + d] = 127;
      }
      return x;
    })(),
    200,
  ],
  [
    "beats of −128 and 127 alternate: both magnitudes are beats",
    (() => {
      const x = new Int8Array(MAX_N);
      for (let t = 40, k = 0; t < MAX_N; t += 90, k++) x[t] = k % 2 ? 127 : -128;
      return x;
    })(),
    180,
  ],
  [
    "a larger peak 30 samples after a beat replaces it",
    withBeats([...positions(100, [200, 200]), 530]).map((v, t) =>
      t >= 526 && t <= 534 ? Math.min(120, v + 20) : v
    ),
    430,
  ],
  [
    "an equal peak 30 samples after a beat does not replace it",
    withBeats([...positions(100, [200, 200]), 530]),
    400,
  ],
  [
    "a smaller peak 30 samples after a beat neither replaces it nor is a beat",
    withBeats([...positions(100, [200, 200]), 530]).map((v, t) =>
      t >= 526 && t <= 534 ? v - 10 : v
    ),
    400,
  ],
  [
    "peaks 30 and then 40 samples apart, each larger, move one beat twice (the window moves with it)",
    (() => {
      const x = withBeats([100, 400, 700]);
      x[130] = 110;
      x[170] = 120;
      return x;
    })(),
    (400 - 170) + (700 - 400),
  ],
  [
    "a peak exactly 50 samples after a beat is a new beat",
    withBeats(positions(100, [50, 50, 50])),
    100,
  ],
  [
    "an odd number of intervals: twice the middle one",
    withBeats(positions(100, [150, 100, 200])),
    300,
  ],
  [
    "an even number of intervals: the sum of the middle two",
    withBeats(positions(100, [100, 160, 120, 140])),
    260,
  ],
  [
    "beats on the first and the last sample count (m = 0 outside the segment)",
    withBeats([0, 625, MAX_N - 1]),
    MAX_N - 1,
  ],
  [
    "n = 1250 holds 25 beats 50 samples apart, the most it can",
    withBeats(positions(0, Array(24).fill(50)), [100, 60]),
    100,
  ],
  [
    "a bin of 256 samples (where a uint8 count would wrap) sets the level",
    (() => {
      // A plateau of 256 samples at 90, then 10 spikes of 100: the level is 90 (r = 14).
      const x = new Int8Array(MAX_N).fill(90, 0, 256);
      for (let t = 400; t < 400 + 10 * 80; t += 80) x[t] = -100;
      return x;
    })(),
    160,
  ],
  [
    "325 samples at −128 (a count over 255) in plateaus every 100",
    (() => {
      const x = new Int8Array(MAX_N);
      for (let t = 20; t + 25 <= MAX_N; t += 100) x.fill(-128, t, t + 25);
      return x;
    })(),
    200,
  ],
  [
    "plateaus of −128 that cross a word boundary (t = 31 … 34, every 100) end on their last sample",
    (() => {
      const x = new Int8Array(MAX_N);
      for (let t = 31; t + 4 <= MAX_N; t += 100) x.fill(-128, t, t + 4);
      return x;
    })(),
    200,
  ],
  [
    "n = 103 (not a multiple of 4): beats at 1, 51 and on the last sample",
    (() => {
      const x = new Int8Array(103);
      x[1] = x[51] = 100;
      x[102] = -100;
      return x;
    })(),
    50 + 51,
  ],
  [
    "a level of 1: single ±1 samples every 90 are the beats",
    (() => {
      const x = new Int8Array(MAX_N);
      for (let t = 30, k = 0; t < MAX_N; t += 90, k++) x[t] = k % 2 ? 1 : -1;
      return x;
    })(),
    180,
  ],
  [
    "under a level of 101, a peak of −50 is no beat (2 · 50 < 101)",
    plateausAndMiddlePeaks(-50),
    300,
  ],
  [
    "under a level of 101, a peak of −51 is a beat (2 · 51 ≥ 101)",
    plateausAndMiddlePeaks(-51),
    150,
  ],
  [
    "a larger peak 49 samples after a beat replaces it",
    (() => {
      const x = withBeats([100, 300, 500]);
      x[549] = 120;
      return x;
    })(),
    200 + 249,
  ],
  [
    "a larger peak 50 samples after a beat is a new beat",
    (() => {
      const x = withBeats([100, 300, 500]);
      x[550] = 120;
      return x;
    })(),
    400,
  ],
  [
    "beats on the last sample of one group of 40 and the first of the next (39, 140, 240, 340)",
    withBeats([39, 140, 240, 340]),
    200,
  ],
  [
    "larger peaks 49 samples apart, in the words where the windows end, move a beat twice",
    (() => {
      // The beat at 101 (window to 150) moves to 150 (120 > 100), then to 199 (125 > 120).
      const x = withBeats([101, 400, 700]);
      x[150] = 120;
      x[199] = -125;
      return x;
    })(),
    (400 - 199) + (700 - 400),
  ],
  [
    "n = 7 (one group, fewer than r = 2): equal peaks at 1 and 6 are one beat",
    Int8Array.of(0, 90, 0, 0, 0, 0, 90),
    0,
  ],
  [
    "n = 122: beats on the first sample, at 61 and on the last (a partial word)",
    (() => {
      const x = new Int8Array(122);
      x[0] = x[61] = -100;
      x[121] = 100;
      return x;
    })(),
    121,
  ],
];

/**
 * Seven plateaus of two samples at 101 (the level: 14 samples, r = 14), 150 apart, with a
 * single sample `v` halfway between each pair: a beat iff 2·|v| ≥ 101.
 */
function plateausAndMiddlePeaks(v: number): Int8Array {
  const x = new Int8Array(MAX_N);
  for (let k = 0; k < 7; k++) x[100 + 150 * k] = x[101 + 150 * k] = 101;
  for (let k = 0; k < 6; k++) x[176 + 150 * k] = v;
  return x;
}

/** 3,000 random spiky segments: noise, with spikes and clipped plateaus around the refractory. */
function spikySegments(): Int8Array[] {
  const random = mulberry32(14);
  const int = (n: number) => Math.floor(random() * n);
  return Array.from({ length: 3000 }, () => {
    const n = random() < 0.2 ? 1 + int(100) : 1 + int(MAX_N);
    const x = new Int8Array(n);
    const noise = int(20);
    for (let t = 0; t < n; t++) x[t] = int(2 * noise + 1) - noise;
    // Spikes and clipped plateaus at random gaps around the refractory 50 samples.
    for (let t = int(60); t < n; t += 20 + int(120)) {
      const v = random() < 0.2 ? (random() < 0.5 ? -128 : 127) : int(256) - 128;
      x.fill(v, t, Math.min(n, t + 1 + (random() < 0.3 ? int(4) : 0)));
    }
    return x;
  });
}

/**
 * 1,000 random segments where most samples are peak candidates: full-range noise, small noise
 * (a level of 1 or 2), and random walks with plateaus.
 */
function noisySegments(): Int8Array[] {
  const random = mulberry32(15);
  const int = (n: number) => Math.floor(random() * n);
  return Array.from({ length: 1000 }, (_, i) => {
    const n = 1 + int(MAX_N);
    const x = new Int8Array(n);
    if (i % 3 === 0) {
      for (let t = 0; t < n; t++) x[t] = int(256) - 128;
    } else if (i % 3 === 1) {
      for (let t = 0; t < n; t++) x[t] = int(5) - 2;
    } else {
      let v = 0;
      for (let t = 0; t < n; t++) {
        if (random() < 0.6) v = Math.max(-128, Math.min(127, v + int(41) - 20));
        x[t] = v;
      }
    }
    return x;
  });
}

/**
 * 1,000 random segments around the M4 version's boundaries: lengths near multiples of its
 * groups of 40 samples and of its words of 4, and spikes or plateaus of up to 3 equal samples
 * (−128 for a third) starting on the last or first sample of a word or group, at gaps around
 * the refractory 50 samples.
 */
function boundarySegments(): Int8Array[] {
  const random = mulberry32(16);
  const int = (n: number) => Math.floor(random() * n);
  const lengths = [1, 2, 3, 4, 5, 7, 8, 39, 40, 41, 44, 79, 80, 81, 559, 560, 561, 1247, MAX_N];
  return Array.from({ length: 1000 }, () => {
    const n = random() < 0.5 ? lengths[int(lengths.length)] : 1 + int(MAX_N);
    const x = new Int8Array(n);
    const noise = int(6);
    for (let t = 0; t < n; t++) x[t] = int(2 * noise + 1) - noise;
    for (let t = int(45); t < n; t += 45 + int(12)) {
      const at = Math.min(n - 1, 40 * Math.round(t / 40) + [-1, 0, -4, 3][int(4)]);
      const v = random() < 0.3 ? -128 : int(200) - 100;
      x.fill(v, Math.max(0, at), Math.min(n, at + 1 + int(3)));
    }
    return x;
  });
}

const EDGE_SEGMENTS = EDGE_CASES.map(([, x]) => x);
const SPIKY = spikySegments();
const NOISY = noisySegments();
const BOUNDARY = boundarySegments();

Deno.test("twiceMedianBeatInterval gives the expected value on each edge case", () => {
  for (const [name, x, expected] of EDGE_CASES) assert.equal(twiceIntervalTs(x), expected, name);
});

for (const [implementation, twiceIntervals] of IMPLEMENTATIONS) {
  Deno.test(`iegm_twice_median_beat_interval_s8, ${implementation}, gives the expected value on each edge case`, async () => {
    const got = await twiceIntervals(EDGE_SEGMENTS);
    EDGE_CASES.forEach(([name, , expected], i) => assert.equal(got[i], expected, name));
  });

  Deno.test(`iegm_twice_median_beat_interval_s8, ${implementation}, equals twiceMedianBeatInterval on 3,000 random spiky segments of 1 to 1,250 samples`, async () => {
    const got = await twiceIntervals(SPIKY);
    const differing = SPIKY.filter((x, i) => got[i] !== twiceIntervalTs(x)).length;
    assert.equal(differing, 0);
    assert.ok(got.filter((d) => d > 0).length > 1000, "most random segments have a rate");
  });

  Deno.test(`iegm_twice_median_beat_interval_s8, ${implementation}, equals twiceMedianBeatInterval on 1,000 random noisy segments`, async () => {
    const got = await twiceIntervals(NOISY);
    const differing = NOISY.filter((x, i) => got[i] !== twiceIntervalTs(x)).length;
    assert.equal(differing, 0);
  });

  Deno.test(`iegm_twice_median_beat_interval_s8, ${implementation}, equals twiceMedianBeatInterval on 1,000 random segments with peaks on word and group boundaries`, async () => {
    const got = await twiceIntervals(BOUNDARY);
    const differing = BOUNDARY.filter((x, i) => got[i] !== twiceIntervalTs(x)).length;
    assert.equal(differing, 0);
    assert.ok(got.filter((d) => d > 0).length > 300, "many boundary segments have a rate");
  });
}

Deno.test(`iegm_twice_median_beat_interval_s8 (m4, -Os) stays within the ${M4_STACK_BYTES} bytes of stack that iegm_kernels.h documents`, async () => {
  const run = await runRateGate(m4Images.get("-Os")!, [...EDGE_SEGMENTS, ...SPIKY.slice(0, 200)]);
  assert.ok(run.stackBytes > 0 && run.stackBytes <= M4_STACK_BYTES, `${run.stackBytes} bytes`);
});
/** A minimal int8 IR: all quantizeInput reads. */
function inputIR(dec: number): ModelIR {
  return {
    form: "int8",
    input: "x",
    inputClip: null,
    tensors: { x: { dec, dtype: "int8", shape: [MAX_N, 1] } },
  } as unknown as ModelIR;
}

const dataset = await loadDataset({ data: ARCHIVE });
const everyTenth = Array.from({ length: Math.ceil(dataset.size / 10) }, (_, j) => 10 * j);

// dec 5 as twoblock's and threeblock's input, dec 7 as nnom's (without its clip), which saturates.
for (const dec of [5, 7]) {
  const segments = everyTenth.map((i) => quantizeInput(inputIR(dec), segment(dataset, i)));
  const expected = segments.map(twiceIntervalTs);
  for (const [implementation, twiceIntervals] of IMPLEMENTATIONS) {
    Deno.test(`iegm_twice_median_beat_interval_s8, ${implementation}, equals twiceMedianBeatInterval on ${everyTenth.length.toLocaleString("en-US")} real int8 segments (every 10th, input dec ${dec})`, async () => {
      const got = await twiceIntervals(segments);
      const differing = everyTenth.filter((_, j) => got[j] !== expected[j])
        .map((i) => dataset.files[i]);
      assert.deepEqual(differing, []);
      assert.ok(got.filter((d) => d > 0).length > everyTenth.length / 2, "most have a rate");
      if (dec === 7) assert.ok(segments.some((x) => x.includes(-128)), "some samples saturate");
    });
  }
}
