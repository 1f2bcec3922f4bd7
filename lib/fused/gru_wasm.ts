/**
 * The fast GRU kernels: the same forward and backward passes as gru.ts (the reference), each
 * one call into WebAssembly SIMD (gru_wasm.c) that runs the whole time loop, gates included,
 * with the batch in the SIMD lanes. Checked equal to the reference in
 * tests/fused_gru_test.ts; timed in bench/fused_bench.ts.
 *
 * Memory. The module's memory is a heap ({@linkcode WasmHeap}) above the module's own data.
 * A call takes a region for its inputs, outputs and work area and returns it before it
 * returns. A training forward pass also takes a region for its tape, which it keeps: the
 * tape stays where the backward pass reads it, while other GRU calls (validation, another
 * layer) may run in between, until {@linkcode releaseGruTape} returns it. Inference keeps no
 * tape ({@linkcode gruInferenceWasm}).
 */
import { instantiateWasm, type WasmHeap } from "./wasm_heap.ts";
import type { GruDims, GruGradients } from "./gru.ts";

/** A pointer (byte offset into the module's memory) or a size. */
type I32 = number;

interface GruExports {
  heap_base(): I32;
  gru_tile_lanes(): I32;
  gru_forward_work_bytes(U: I32): I32;
  gru_backward_work_bytes(I: I32, U: I32): I32;
  rows_to_tiles(dst: I32, src: I32, B: I32, steps: I32, R: I32): void;
  tiles_to_rows(dst: I32, src: I32, B: I32, T: I32, R: I32, t0: I32, steps: I32): void;
  gru_forward(
    T: I32,
    B: I32,
    I: I32,
    U: I32,
    x: I32,
    w: I32,
    rw: I32,
    bias: I32,
    h: I32,
    yz: I32,
    yr: I32,
    c: I32,
    keep: I32,
    y: I32,
    sequences: I32,
    work: I32,
  ): void;
  gru_backward(
    T: I32,
    B: I32,
    I: I32,
    U: I32,
    x: I32,
    w: I32,
    rw: I32,
    h: I32,
    yz: I32,
    yr: I32,
    c: I32,
    dy: I32,
    sequences: I32,
    dx: I32,
    dw: I32,
    drw: I32,
    db: I32,
    work: I32,
  ): void;
  tanh_array(out: I32, input: I32, n: I32): void;
}

interface GruModule {
  exports: GruExports;
  heap: WasmHeap;
  /** Sequences per tile: the batch is padded to a multiple of this. */
  lanes: number;
}

let loaded: GruModule | null = null;

/** The GRU module, instantiated once, and the heap over its memory. */
export function gruModule(): GruModule {
  if (loaded) return loaded;
  const { exports, heap } = instantiateWasm<GruExports>("gru", "the fused GRU", 4);
  loaded = { exports, heap, lanes: exports.gru_tile_lanes() };
  return loaded;
}

function allocParts<K extends string>(bytes: Record<K, number>): Record<K, number> {
  return gruModule().heap.allocParts(bytes);
}

function withParts<K extends string, T>(
  bytes: Record<K, number>,
  f: (at: Record<K, number>) => T,
): T {
  return gruModule().heap.withParts(bytes, f);
}

function f32(at: number, length: number): Float32Array {
  return new Float32Array(gruModule().heap.memory.buffer, at, length);
}

/**
 * What the forward pass keeps for the backward pass: a region of the module's memory holding
 * x, h, y_z, y_r and c, tiled [tiles, T, rows, lanes] (gru_wasm.c), and the output y as rows
 * [B, T, U], until {@linkcode releaseGruTape}.
 */
export interface GruWasmTape {
  readonly dims: GruDims;
  /** Byte offsets of the tape's arrays. */
  readonly at: { x: number; h: number; yz: number; yr: number; c: number; y: number };
  /** False once released. */
  live: boolean;
}

function tiledFloats(dims: GruDims, rows: number): number {
  const { lanes } = gruModule();
  return Math.ceil(dims.batch / lanes) * lanes * dims.time * rows;
}

function tapeBytes(dims: GruDims): Record<keyof GruWasmTape["at"], number> {
  const state = 4 * tiledFloats(dims, dims.units);
  const { batch: B, time: T, inputs: I, units: U } = dims;
  return {
    x: 4 * tiledFloats(dims, I),
    h: state,
    yz: state,
    yr: state,
    c: state,
    y: 4 * B * T * U,
  };
}

/**
 * Runs the forward pass on the input and weights copied into the parts `at`: x (tiled) and
 * the output y (rows; all steps or the last) to `tape`, and h and the gates too when `keep`
 * (else they pass through the work area).
 */
function forward(
  dims: GruDims,
  x: Float32Array,
  weights: { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array },
  tape: GruWasmTape["at"],
  keep: boolean,
  sequences: boolean,
  at: Record<"input" | "w" | "rw" | "bias" | "work", number>,
): void {
  const { exports: m } = gruModule();
  const { batch: B, time: T, inputs: I, units: U } = dims;
  f32(at.input, x.length).set(x);
  f32(at.w, weights.kernel.length).set(weights.kernel);
  f32(at.rw, weights.recurrent.length).set(weights.recurrent);
  f32(at.bias, weights.bias.length).set(weights.bias);
  m.rows_to_tiles(tape.x, at.input, B, T, I);
  m.gru_forward(
    T,
    B,
    I,
    U,
    tape.x,
    at.w,
    at.rw,
    at.bias,
    tape.h,
    tape.yz,
    tape.yr,
    tape.c,
    keep ? 1 : 0,
    tape.y,
    sequences ? 1 : 0,
    at.work,
  );
}

function weightBytes(dims: GruDims) {
  const G = 3 * dims.units;
  return { w: 4 * dims.inputs * G, rw: 4 * dims.units * G, bias: 4 * G };
}

/**
 * The GRU forward pass (same arguments and function as gru.ts' gruForward), keeping the tape
 * in the module's memory for {@linkcode gruBackwardWasm}; release it with
 * {@linkcode releaseGruTape}.
 *
 * @param x [batch, time, inputs]
 * @returns the tape; {@linkcode gruWasmOutput} reads the output from it
 */
export function gruForwardWasm(
  dims: GruDims,
  x: Float32Array,
  kernel: Float32Array,
  recurrent: Float32Array,
  bias: Float32Array,
): GruWasmTape {
  const { exports: m } = gruModule();
  const tape: GruWasmTape = { dims, at: allocParts(tapeBytes(dims)), live: true };
  const call = {
    input: 4 * x.length,
    ...weightBytes(dims),
    work: m.gru_forward_work_bytes(dims.units),
  };
  withParts(call, (at) => forward(dims, x, { kernel, recurrent, bias }, tape.at, true, true, at));
  return tape;
}

/** Returns the tape's region to the heap (once; later calls do nothing). */
export function releaseGruTape(tape: GruWasmTape): void {
  if (!tape.live) return;
  tape.live = false;
  gruModule().heap.freeParts(tape.at);
}

function assertLive(tape: GruWasmTape): void {
  if (!tape.live) throw new Error("fused GRU: the tape was released before its backward pass");
}

/**
 * The output as [batch, time, units] (`sequences`) or the last step as [batch, units], into
 * `out` (default: a new array).
 */
export function gruWasmOutput(
  dims: GruDims,
  tape: GruWasmTape,
  sequences: boolean,
  out?: Float32Array,
): Float32Array {
  assertLive(tape);
  const { batch: B, time: T, units: U } = dims;
  const result = out ?? new Float32Array(B * (sequences ? T : 1) * U);
  if (sequences) result.set(f32(tape.at.y, B * T * U));
  else {
    withParts({ rows: 4 * B * U }, ({ rows }) => {
      gruModule().exports.tiles_to_rows(rows, tape.at.h, B, T, U, T - 1, 1);
      result.set(f32(rows, B * U));
    });
  }
  return result;
}

/**
 * The GRU forward pass without a tape (inference): the output only.
 *
 * @param x [batch, time, inputs]
 * @param out where to write the output (default: a new array)
 * @returns [batch, time, units] when `sequences`, else [batch, units]
 */
export function gruInferenceWasm(
  dims: GruDims,
  x: Float32Array,
  kernel: Float32Array,
  recurrent: Float32Array,
  bias: Float32Array,
  sequences: boolean,
  out?: Float32Array,
): Float32Array {
  const { exports: m } = gruModule();
  const n = dims.batch * (sequences ? dims.time : 1) * dims.units;
  const call = {
    input: 4 * x.length,
    ...weightBytes(dims),
    work: m.gru_forward_work_bytes(dims.units),
    x: tapeBytes(dims).x,
    y: 4 * n,
  };
  return withParts(call, (p) => {
    const tape = { x: p.x, h: 0, yz: 0, yr: 0, c: 0, y: p.y };
    forward(dims, x, { kernel, recurrent, bias }, tape, false, sequences, p);
    const result = out ?? new Float32Array(n);
    result.set(f32(p.y, n));
    return result;
  });
}

/**
 * Backpropagation through time (same function as gru.ts' gruBackward) from a live tape,
 * which it leaves live.
 *
 * @param dy [batch, time, units] when `sequences`, else [batch, units]
 * @param dx where to write ∂loss/∂x [batch, time, inputs] (default: a new array)
 */
export function gruBackwardWasm(
  dims: GruDims,
  kernel: Float32Array,
  recurrent: Float32Array,
  tape: GruWasmTape,
  dy: Float32Array,
  sequences: boolean,
  dx: Float32Array = new Float32Array(dims.batch * dims.time * dims.inputs),
): GruGradients {
  assertLive(tape);
  const { exports: m } = gruModule();
  const { batch: B, time: T, inputs: I, units: U } = dims;
  const G = 3 * U;
  const { w, rw, bias } = weightBytes(dims);
  const call = {
    w,
    rw,
    dy: 4 * dy.length,
    dx: 4 * B * T * I,
    dw: w,
    drw: rw,
    db: bias,
    work: m.gru_backward_work_bytes(I, U),
  };
  return withParts(call, (p) => {
    f32(p.w, kernel.length).set(kernel);
    f32(p.rw, recurrent.length).set(recurrent);
    f32(p.dy, dy.length).set(dy);
    const t = tape.at;
    m.gru_backward(
      T,
      B,
      I,
      U,
      t.x,
      p.w,
      p.rw,
      t.h,
      t.yz,
      t.yr,
      t.c,
      p.dy,
      sequences ? 1 : 0,
      p.dx,
      p.dw,
      p.drw,
      p.db,
      p.work,
    );
    dx.set(f32(p.dx, B * T * I));
    return {
      dx,
      dKernel: f32(p.dw, I * G).slice(),
      dRecurrent: f32(p.drw, U * G).slice(),
      dBias: f32(p.db, G).slice(),
    };
  });
}

/** tanh as the kernels compute it (gru_wasm.c's tanh4), for tests. */
export function tanhWasm(x: Float32Array): Float32Array {
  const n = Math.ceil(x.length / 4) * 4;
  return withParts({ input: 4 * n, out: 4 * n }, ({ input, out }) => {
    f32(input, x.length).set(x);
    gruModule().exports.tanh_array(out, input, n);
    return f32(out, x.length).slice();
  });
}
