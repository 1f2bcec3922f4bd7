/**
 * The fast GRU kernels: the same forward and backward passes as gru.ts (the reference), with
 * the batch innermost so that every matrix product runs as long contiguous loops in
 * WebAssembly SIMD (gru_wasm.c), and the element-wise gate functions in TypeScript between
 * them. Checked equal to the reference in tests/fused_gru_test.ts; timed in
 * bench/fused_bench.ts.
 *
 * Layout: time-major and batch-inner, [T, rows, B]. The wasm memory holds only one step's
 * working set (weights, gate pre-activations, state); the tape lives in ordinary typed arrays.
 */
import { wasmPath } from "./wasm_build.ts";
import type { GruDims, GruGradients } from "./gru.ts";

const GRU_WASM_PATH = wasmPath("gru");

const SLOPE = Math.fround(0.2);

/** What the forward pass keeps for the backward pass; arrays are [T, rows, B]. */
export interface GruWasmTape {
  /** The input, transposed: [T, I, B]. */
  x: Float32Array;
  /** [T, U, B] */
  h: Float32Array;
  z: Float32Array;
  r: Float32Array;
  c: Float32Array;
  /** hs'(a) / 0.2 for the z then r gates: [T, 2U, B]. */
  gateOpen: Uint8Array;
}

type MatrixKernel = (
  out: number,
  input: number,
  w: number,
  K: number,
  J: number,
  ldw: number,
  col: number,
  B: number,
) => void;

interface Kernels {
  memory: WebAssembly.Memory;
  /** out[j, b] += Σ_k W[k, col + j] · in[k, b] */
  accW: MatrixKernel;
  /** out[k, b] += Σ_j W[k, col + j] · in[j, b] */
  accWt: MatrixKernel;
  /** g[k, col + j] += Σ_b a[k, b] · d[j, b] (g float64) */
  accOuter: MatrixKernel;
}

let kernels: Kernels | null = null;

function wasmKernels(): Kernels {
  if (kernels) return kernels;
  const memory = new WebAssembly.Memory({ initial: 4 });
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Deno.readFileSync(GRU_WASM_PATH);
  } catch (error) {
    throw new Error(
      `${GRU_WASM_PATH}: the fused GRU's WebAssembly module cannot be read ` +
        `(${(error as Error).message}); build it with \`bash pipeline/setup.sh\` ` +
        "(installs clang and lld) or `deno task build:wasm`",
    );
  }
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
    .exports as Record<string, MatrixKernel>;
  kernels = {
    memory,
    accW: exports.acc_w,
    accWt: exports.acc_wt,
    accOuter: exports.acc_outer,
  };
  return kernels;
}

// Below this the module's own data (its stack pointer starts at 64 KiB).
const ARENA_START = 65536 + 1024;

/**
 * Float32/Float64 views of consecutive regions of the wasm memory (grown when needed), and
 * their byte offsets. Views are made after growing: growing detaches older views.
 */
function arena<K extends string>(
  memory: WebAssembly.Memory,
  sizes: Record<K, [number, "f32" | "f64"]>,
): { at: Record<K, number>; f32: Record<K, Float32Array>; f64: Record<K, Float64Array> } {
  const at = {} as Record<K, number>;
  let end = ARENA_START;
  for (const name of Object.keys(sizes) as K[]) {
    at[name] = end;
    end += Math.ceil((sizes[name][0] * 8) / 16) * 16;
  }
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const f32 = {} as Record<K, Float32Array>;
  const f64 = {} as Record<K, Float64Array>;
  for (const name of Object.keys(sizes) as K[]) {
    const [n, type] = sizes[name];
    if (type === "f32") f32[name] = new Float32Array(memory.buffer, at[name], n);
    else f64[name] = new Float64Array(memory.buffer, at[name], n);
  }
  return { at, f32, f64 };
}

/**
 * The GRU forward pass (same arguments and function as gru.ts' gruForward).
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
  const { batch: B, time: T, inputs: I, units: U } = dims;
  const G = 3 * U;
  const UB = U * B;
  const xs = new Float32Array(T * I * B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < I; i++) xs[(t * I + i) * B + b] = x[(b * T + t) * I + i];
    }
  }
  const n = T * UB;
  const tape: GruWasmTape = {
    x: xs,
    h: new Float32Array(n),
    z: new Float32Array(n),
    r: new Float32Array(n),
    c: new Float32Array(n),
    gateOpen: new Uint8Array(2 * n),
  };
  const { h, z, r, c, gateOpen } = tape;
  const k = wasmKernels();
  const { at, f32 } = arena(k.memory, {
    w: [I * G, "f32"],
    rw: [U * G, "f32"],
    acc: [G * B, "f32"], // gate pre-activations, then z and r in place: [3U, B]
    hp: [UB, "f32"], // h_{t−1}, then h_t
    rh: [UB, "f32"], // r ⊙ h_{t−1}
    xt: [I * B, "f32"],
  });
  const { acc, hp, rh, xt } = f32;
  f32.w.set(kernel);
  f32.rw.set(recurrent);
  hp.fill(0);
  const accH = at.acc + 4 * 2 * UB; // byte offset of the candidate's rows
  for (let t = 0; t < T; t++) {
    const sAt = t * UB;
    for (let j = 0; j < G; j++) acc.fill(bias[j], j * B, (j + 1) * B);
    xt.set(xs.subarray(t * I * B, (t + 1) * I * B));
    k.accW(at.acc, at.xt, at.w, I, G, G, 0, B);
    k.accW(at.acc, at.hp, at.rw, U, 2 * U, G, 0, B);
    // hs as tfjs computes it in float32; the gradient passes where y ∈ [0, 1].
    const gAt = t * 2 * UB;
    for (let q = 0; q < 2 * UB; q++) {
      const y = Math.fround(0.5 + Math.fround(SLOPE * acc[q]));
      const open = y >= 0 && y <= 1;
      gateOpen[gAt + q] = open ? 1 : 0;
      acc[q] = open ? y : y < 0 ? 0 : y > 1 ? 1 : y; // NaN stays NaN
    }
    z.set(acc.subarray(0, UB), sAt);
    r.set(acc.subarray(UB, 2 * UB), sAt);
    for (let q = 0; q < UB; q++) rh[q] = acc[UB + q] * hp[q];
    k.accW(accH, at.rh, at.rw, U, U, G, 2 * U, B);
    for (let q = 0; q < UB; q++) {
      c[sAt + q] = Math.tanh(acc[2 * UB + q]);
      const zq = acc[q];
      hp[q] = zq * hp[q] + (1 - zq) * c[sAt + q];
    }
    h.set(hp, sAt);
  }
  return tape;
}

/** The output as [batch, time, units] (`sequences`) or the last step as [batch, units]. */
export function gruWasmOutput(dims: GruDims, tape: GruWasmTape, sequences: boolean): Float32Array {
  const { batch: B, time: T, units: U } = dims;
  if (!sequences) {
    const out = new Float32Array(B * U);
    const last = (T - 1) * U * B;
    for (let j = 0; j < U; j++) {
      for (let b = 0; b < B; b++) out[b * U + j] = tape.h[last + j * B + b];
    }
    return out;
  }
  const out = new Float32Array(B * T * U);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < U; j++) {
      const from = (t * U + j) * B;
      for (let b = 0; b < B; b++) out[(b * T + t) * U + j] = tape.h[from + b];
    }
  }
  return out;
}

/**
 * Backpropagation through time (same function as gru.ts' gruBackward).
 *
 * @param dy [batch, time, units] when `sequences`, else [batch, units]
 */
export function gruBackwardWasm(
  dims: GruDims,
  kernel: Float32Array,
  recurrent: Float32Array,
  tape: GruWasmTape,
  dy: Float32Array,
  sequences: boolean,
): GruGradients {
  const { batch: B, time: T, inputs: I, units: U } = dims;
  const G = 3 * U;
  const UB = U * B;
  const { h, z, r, c, gateOpen, x: xs } = tape;
  const dx = new Float32Array(B * T * I);
  const dBias = new Float64Array(G);
  const k = wasmKernels();
  const { at, f32, f64 } = arena(k.memory, {
    w: [I * G, "f32"],
    rw: [U * G, "f32"],
    da: [G * B, "f32"], // ∂loss/∂(a_z, a_r, a_h) of the step: [3U, B]
    carry: [UB, "f32"], // ∂loss/∂h flowing back through time
    drh: [UB, "f32"], // ∂loss/∂(r ⊙ h_{t−1})
    hp: [UB, "f32"], // h_{t−1}
    rh: [UB, "f32"],
    xt: [I * B, "f32"],
    dxt: [I * B, "f32"],
    dW: [I * G, "f64"],
    dR: [U * G, "f64"],
  });
  const { da, carry, drh, hp, rh, xt, dxt } = f32;
  f32.w.set(kernel);
  f32.rw.set(recurrent);
  f64.dW.fill(0);
  f64.dR.fill(0);
  carry.fill(0);
  const daH = at.da + 4 * 2 * UB; // byte offset of the candidate's rows
  for (let t = T - 1; t >= 0; t--) {
    const sAt = t * UB;
    const gAt = t * 2 * UB;
    if (t === 0) hp.fill(0);
    else hp.set(h.subarray(sAt - UB, sAt));
    if (sequences) {
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < U; j++) carry[j * B + b] += dy[(b * T + t) * U + j];
      }
    } else if (t === T - 1) {
      for (let b = 0; b < B; b++) for (let j = 0; j < U; j++) carry[j * B + b] += dy[b * U + j];
    }
    // h_t = z h_{t−1} + (1 − z) c
    for (let q = 0; q < UB; q++) {
      const g = carry[q];
      const zq = z[sAt + q];
      const cq = c[sAt + q];
      carry[q] = g * zq;
      da[q] = gateOpen[gAt + q] ? g * (hp[q] - cq) * SLOPE : 0;
      da[2 * UB + q] = g * (1 - zq) * (1 - cq * cq);
    }
    // a_h = … + (r ⊙ h_{t−1}) R_h
    drh.fill(0);
    k.accWt(at.drh, daH, at.rw, U, U, G, 2 * U, B);
    for (let q = 0; q < UB; q++) {
      const rq = r[sAt + q];
      const hq = hp[q];
      rh[q] = rq * hq;
      carry[q] += drh[q] * rq;
      da[UB + q] = gateOpen[gAt + UB + q] ? drh[q] * hq * SLOPE : 0;
    }
    // a_z, a_r = … + h_{t−1} R_{z,r}; the weights' gradients of this step.
    k.accWt(at.carry, at.da, at.rw, U, 2 * U, G, 0, B);
    k.accOuter(at.dR, at.hp, at.da, U, 2 * U, G, 0, B);
    k.accOuter(at.dR, at.rh, daH, U, U, G, 2 * U, B);
    xt.set(xs.subarray(t * I * B, (t + 1) * I * B));
    k.accOuter(at.dW, at.xt, at.da, I, G, G, 0, B);
    dxt.fill(0);
    k.accWt(at.dxt, at.da, at.w, I, G, G, 0, B);
    for (let j = 0; j < G; j++) {
      let sum = 0;
      for (let b = j * B; b < (j + 1) * B; b++) sum += da[b];
      dBias[j] += sum;
    }
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < I; i++) dx[(b * T + t) * I + i] = dxt[i * B + b];
    }
  }
  return {
    dx,
    dKernel: Float32Array.from(f64.dW),
    dRecurrent: Float32Array.from(f64.dR),
    dBias: Float32Array.from(dBias),
  };
}
