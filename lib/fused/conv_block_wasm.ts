/**
 * The fast fused conv block: the forward and backward passes of conv_block_kernels.ts (the
 * reference) with their loops in WebAssembly SIMD (conv_block_wasm.c), batch innermost so that
 * every loop runs over the batch in the SIMD lanes. conv_block.ts runs these on both tfjs
 * backends. Checked against the reference and the stock tfjs layers in
 * tests/fused_conv_block_test.ts; timed in bench/fused_conv_block_bench.ts.
 *
 * Memory. The module has its own memory (not the tfjs wasm backend's), a first-fit heap above
 * the module's data. A call copies its inputs in, transposing them to the batch-inner layout,
 * and its outputs out, and returns its work regions before it returns. A forward pass that a
 * gradient may follow keeps a region (the padded input, x̂ and the pool winners) until
 * {@linkcode releaseConvBlockState} returns it, so that the backward pass reads it where it is.
 *
 * @example One forward and backward pass, and the state returned
 * ```ts
 * import { convBlockGeometry } from "./conv_block_kernels.ts";
 * import {
 *   convBlockBackwardWasm, convBlockForwardWasm, convBlockHeapBytes, releaseConvBlockState,
 * } from "./conv_block_wasm.ts";
 * const g = convBlockGeometry(2, 8, 1, {
 *   kernelSize: 3, filters: 2, stride: 1, padding: "same", pool: 2,
 * });
 * const x = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i));
 * const { y, state } = convBlockForwardWasm(g, x, {
 *   kernel: new Float32Array([1, -1, 0.5, 0.5, -1, 1]), bias: new Float32Array(2),
 *   gamma: new Float32Array([1, 1]), beta: new Float32Array(2), epsilon: 1e-3,
 *   training: true, lastMaxWins: true, float32Statistics: true,
 * }, true);
 * if (y.length !== 2 * 4 * 2 || y.some((v) => v < 0)) throw new Error("y is [2, 4, 2], ReLU'd");
 * const { dx, dKernel } = convBlockBackwardWasm(state!, new Float32Array(16).fill(1), true);
 * if (dx!.length !== 16 || dKernel.length !== 6) throw new Error("gradient shapes");
 * releaseConvBlockState(state!);
 * if (convBlockHeapBytes() !== 0) throw new Error("the state's memory is returned");
 * ```
 */
import type {
  ConvBlockGeometry,
  ConvBlockGradients,
  ConvBlockParams,
} from "./conv_block_kernels.ts";
import { instantiateWasm, type WasmHeap } from "./wasm_heap.ts";

/** A pointer (byte offset into the module's memory) or a count. */
type I32 = number;

interface Exports {
  heap_base(): I32;
  transpose(out: I32, input: I32, rows: I32, cols: I32, ldi: I32, ldo: I32, width: I32): void;
  conv_forward(
    z: I32,
    xT: I32,
    w: I32,
    bias: I32,
    T: I32,
    KC: I32,
    F: I32,
    step: I32,
    Bp: I32,
  ): void;
  sums_f32(out: I32, z: I32, mean: I32, scratch: I32, T: I32, F: I32, Bp: I32, B: I32): void;
  conv_forward_sums(
    z: I32,
    out: I32,
    scratch: I32,
    xT: I32,
    w: I32,
    bias: I32,
    T: I32,
    KC: I32,
    F: I32,
    step: I32,
    Bp: I32,
    B: I32,
  ): void;
  stats_f64(mean: I32, variance: I32, z: I32, T: I32, F: I32, Bp: I32, B: I32): void;
  normalize_pool(
    z: I32,
    y: I32,
    argmax: I32,
    mean: I32,
    rstd: I32,
    gamma: I32,
    beta: I32,
    T: I32,
    F: I32,
    Bp: I32,
    pool: I32,
    P: I32,
    lastMaxWins: I32,
  ): void;
  forward_inference(
    y: I32,
    xT: I32,
    w: I32,
    bias: I32,
    KC: I32,
    F: I32,
    step: I32,
    pool: I32,
    P: I32,
    Bp: I32,
  ): void;
  backward_sums(
    dbeta: I32,
    dgamma: I32,
    xhat: I32,
    argmax: I32,
    dy: I32,
    F: I32,
    Bp: I32,
    pool: I32,
    P: I32,
  ): void;
  backward_sweep(
    dW: I32,
    dbias: I32,
    dxT: I32,
    dz: I32,
    xT: I32,
    w: I32,
    xhat: I32,
    argmax: I32,
    dy: I32,
    a: I32,
    bc: I32,
    cc: I32,
    T: I32,
    KC: I32,
    F: I32,
    step: I32,
    pool: I32,
    P: I32,
    Bp: I32,
    B: I32,
    dense: I32,
  ): void;
}

let loaded: { exports: Exports; heap: WasmHeap } | null = null;

/** The module, instantiated on first use, and the heap over its memory. */
function convBlockModule(): { exports: Exports; heap: WasmHeap } {
  loaded ??= instantiateWasm<Exports>("conv_block", "the fused conv block", 2);
  return loaded;
}

/** Bytes held in the module's heap (0 when no state is kept and no call is running). */
export function convBlockHeapBytes(): number {
  return loaded ? loaded.heap.liveBytes() : 0;
}

function allocParts<K extends string>(bytes: Record<K, number>): Record<K, number> {
  return convBlockModule().heap.allocParts(bytes);
}

function freeParts(parts: Record<string, number>): void {
  convBlockModule().heap.freeParts(parts);
}

function withParts<K extends string, T>(
  bytes: Record<K, number>,
  f: (at: Record<K, number>) => T,
): T {
  return convBlockModule().heap.withParts(bytes, f);
}

function f32(at: number, length: number): Float32Array {
  return new Float32Array(convBlockModule().heap.memory.buffer, at, length);
}

function f64(at: number, length: number): Float64Array {
  return new Float64Array(convBlockModule().heap.memory.buffer, at, length);
}

/**
 * The row length of every batch-inner array: the batch rounded up to whole SIMD vectors, plus
 * one vector when that is a multiple of 64 bytes and long. Otherwise the rows of one filter at
 * successive positions (F·Bp floats apart, 4 KiB at batch 256 and 4 filters) all fall into the
 * same cache sets, and the batch statistics, which walk them one position after the other,
 * ran 2.5 times slower.
 */
function lanes(batch: number): number {
  const Bp = Math.ceil(batch / 4) * 4;
  return Bp >= 64 && Bp % 16 === 0 ? Bp + 4 : Bp;
}

/**
 * An input in the batch-inner layout with `margin` zero rows on each side, [(L + 2·margin)·C,
 * Bp], in its own region: what the blocks that read one tensor share (nnom's three branches
 * all read the model input). Counted: each kept state that reads it, a running call, and the
 * cache while it holds it; returned to the heap at zero.
 */
interface PackedInput {
  /** The tensor's identity (its tfjs dataId), or null for a call's private copy. */
  readonly key: object | null;
  readonly at: number;
  readonly batch: number;
  readonly length: number;
  readonly inChannels: number;
  readonly margin: number;
  users: number;
}

// The last input packed under a key: the next block that reads the same tensor reuses it.
let cachedInput: PackedInput | null = null;

function unuse(input: PackedInput): void {
  if (--input.users === 0) convBlockModule().heap.free(input.at);
}

/**
 * x [B, L, C] packed for a block of geometry `g` (reused if `key` is the cached input's and
 * it fits), with one use taken for the caller; and where the block's xT [Lp·C, Bp] starts.
 */
function packedInput(
  g: ConvBlockGeometry,
  x: Float32Array,
  key: object | undefined,
): { input: PackedInput; xT: number } {
  const { batch: B, length: L, inChannels: C, padLeft, paddedLength: Lp } = g;
  const Bp = lanes(B);
  const need = Math.max(padLeft, Lp - padLeft - L); // 'valid' may leave a tail of x unread
  let input = cachedInput;
  const fits = input !== null && key !== undefined && input.key === key &&
    input.batch === B && input.length === L && input.inChannels === C && input.margin >= need;
  if (!fits) {
    // Under a key, room for other blocks' padding (nnom's kernels need 2 to 6 rows).
    const margin = key ? Math.max(need, 16) : need;
    const rows = (L + 2 * margin) * C;
    const at = convBlockModule().heap.alloc(4 * rows * Bp);
    input = { key: key ?? null, at, batch: B, length: L, inChannels: C, margin, users: 0 };
    withParts({ x: 4 * x.length }, (scratch) => {
      f32(scratch.x, x.length).set(x);
      f32(at, margin * C * Bp).fill(0);
      f32(at + 4 * (margin + L) * C * Bp, margin * C * Bp).fill(0);
      const m = convBlockModule().exports;
      m.transpose(at + 4 * margin * C * Bp, scratch.x, B, L * C, L * C, Bp, Bp);
    });
    if (key) {
      if (cachedInput) unuse(cachedInput);
      cachedInput = input;
      input.users++;
    }
  }
  input!.users++;
  return { input: input!, xT: input!.at + 4 * (input!.margin - padLeft) * C * Bp };
}

/**
 * What a forward pass keeps for the backward pass: a region of the module's memory holding
 * x̂ [T·F, Bp] and the pool winners [P·F, Bp] (int32), and a use of the packed input (xT
 * [Lp·C, Bp] at `xT`), until {@linkcode releaseConvBlockState}; the per-filter vectors in
 * JavaScript.
 */
export interface ConvBlockState {
  readonly geometry: ConvBlockGeometry;
  readonly training: boolean;
  readonly at: { xHat: number; argmax: number };
  readonly input: PackedInput;
  readonly xT: number;
  readonly kernel: Float32Array; // [K·C, F]
  readonly gamma: Float32Array; // [F]
  readonly rstd: Float64Array; // [F] 1 / √(σ² + ε) as used
  /** False once released. */
  live: boolean;
}

function stateBytes(g: ConvBlockGeometry): ConvBlockState["at"] {
  const Bp = lanes(g.batch);
  return {
    xHat: 4 * g.outLength * g.filters * Bp,
    argmax: 4 * g.pooledLength * g.filters * Bp,
  };
}

/** Returns the state's memory to the heap (once; later calls do nothing). */
export function releaseConvBlockState(state: ConvBlockState): void {
  if (!state.live) return;
  state.live = false;
  freeParts(state.at);
  unuse(state.input);
}

/**
 * The forward pass (the reference's convBlockForward, same arguments): x [B, L, C] → y
 * [B, P, F], and the statistics used. With `keep` it also returns the state for
 * {@linkcode convBlockBackwardWasm}, which must be released.
 *
 * y goes into `output(length)`, called once the inputs are in the module's memory (so it may
 * allocate where x and the parameters' views live); by default a new array. Calls that pass
 * the same `inputKey` (the input tensor's identity) share one transposed copy of x.
 */
export function convBlockForwardWasm(
  g: ConvBlockGeometry,
  x: Float32Array,
  p: ConvBlockParams,
  keep: boolean,
  output: (length: number) => Float32Array = (n) => new Float32Array(n),
  inputKey?: object,
): {
  y: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  state: ConvBlockState | null;
} {
  const { exports: m } = convBlockModule();
  const { batch: B, inChannels: C, kernelSize: K, filters: F, stride: S } = g;
  const { outLength: T, pool, pooledLength: P } = g;
  const Bp = lanes(B);
  const KC = K * C;
  const n = P * F;
  const kernel = p.kernel.slice(), gamma = p.gamma.slice();
  const mean = new Float32Array(F);
  const variance = new Float32Array(F);
  if (!p.training) {
    mean.set(p.movingMean!);
    variance.set(p.movingVariance!);
  }
  const { input, xT } = packedInput(g, x, inputKey);
  const saving = keep || p.training; // training needs z for the statistics
  const state = saving ? allocParts(stateBytes(g)) : null;
  const call = {
    w: 4 * KC * F,
    vectors: 4 * 6 * F, // bias, mean, rstd, gamma, beta, variance
    scratch: p.training && p.float32Statistics ? 2 * 4 * 4 * T * 8 : 0,
    yT: 4 * n * Bp,
    y: 4 * B * n,
  };
  const rstd = new Float64Array(F);
  let y: Float32Array;
  try {
    withParts(call, run);
  } catch (error) {
    if (state) freeParts(state); // nothing is kept from a call that failed
    unuse(input);
    throw error;
  }
  // The call proper, on the parts of its work region.
  function run(at: Record<keyof typeof call, number>): void {
    f32(at.w, KC * F).set(kernel);
    const v = (i: number) => at.vectors + 4 * i * F;
    f32(v(0), F).set(p.bias);
    f32(v(3), F).set(gamma);
    f32(v(4), F).set(p.beta);
    if (state) {
      // mean = Σz / n, variance = Σ(z − mean)² / n: float32 sums in the backend's order
      // (up to eight filters: the mean's during the convolution), float32 divisions.
      const float32Sums = p.training && p.float32Statistics;
      if (float32Sums && F <= 8) {
        m.conv_forward_sums(state.xHat, v(1), at.scratch, xT, at.w, v(0), T, KC, F, S * C, Bp, B);
      } else {
        m.conv_forward(state.xHat, xT, at.w, v(0), T, KC, F, S * C, Bp);
        if (float32Sums) m.sums_f32(v(1), state.xHat, 0, at.scratch, T, F, Bp, B);
      }
      if (float32Sums) {
        mean.set(f32(v(1), F).map((sum) => sum / (B * T)));
        f32(v(1), F).set(mean);
        m.sums_f32(v(5), state.xHat, v(1), at.scratch, T, F, Bp, B);
        variance.set(f32(v(5), F).map((sum) => sum / (B * T)));
      } else if (p.training) {
        m.stats_f64(v(1), v(5), state.xHat, T, F, Bp, B);
        mean.set(f32(v(1), F));
        variance.set(f32(v(5), F));
      }
    }
    for (let f = 0; f < F; f++) rstd[f] = 1 / Math.sqrt(variance[f] + p.epsilon);
    f32(v(1), F).set(mean);
    f32(v(2), F).set(rstd);
    if (state) {
      const last = p.lastMaxWins ? 1 : 0;
      m.normalize_pool(
        state.xHat,
        at.yT,
        state.argmax,
        v(1),
        v(2),
        v(3),
        v(4),
        T,
        F,
        Bp,
        pool,
        P,
        last,
      );
    } else {
      // The normalization folded into the convolution: v = Σ w·γ·r·x + (bias − μ)·γ·r + β.
      const w = f32(at.w, KC * F), bias = f32(v(0), F);
      for (let f = 0; f < F; f++) {
        const scale = gamma[f] * rstd[f];
        for (let j = 0; j < KC; j++) w[j * F + f] = kernel[j * F + f] * scale;
        bias[f] = (p.bias[f] - mean[f]) * scale + p.beta[f];
      }
      m.forward_inference(at.yT, xT, at.w, v(0), KC, F, S * C, pool, P, Bp);
    }
    m.transpose(at.y, at.yT, n, B, Bp, n, n);
    y = output(B * n);
    y.set(f32(at.y, B * n));
  }
  if (!state) {
    unuse(input);
    return { y: y!, mean, variance, state: null };
  }
  const kept: ConvBlockState = {
    geometry: g,
    training: p.training,
    at: state,
    input,
    xT,
    kernel,
    gamma,
    rstd,
    live: true,
  };
  if (!keep) releaseConvBlockState(kept);
  return { y: y!, mean, variance, state: keep ? kept : null };
}

/**
 * The backward pass for dy [B, P, F] from a kept state (the reference's convBlockBackward):
 * the parameters' gradients, and dx [B, L, C] if `input`: in the result, or, if `dxView` is
 * given, only passed to it as a view of the module's memory, valid during that call.
 */
export function convBlockBackwardWasm(
  s: ConvBlockState,
  dy: Float32Array,
  input: boolean,
  dxView?: (dx: Float32Array) => void,
): ConvBlockGradients {
  if (!s.live) throw new Error("Conv block: the forward state was released before its gradient");
  const { exports: m } = convBlockModule();
  const g = s.geometry;
  const { batch: B, length: L, inChannels: C, kernelSize: K, filters: F, stride: S } = g;
  const { outLength: T, pool, pooledLength: P, padLeft, paddedLength: Lp } = g;
  const Bp = lanes(B);
  const KC = K * C;
  const n = P * F;
  const call = {
    dy: 4 * B * n,
    dyT: 4 * n * Bp,
    w: 4 * KC * F,
    coefficients: 4 * 3 * F, // a, bc, cc
    sums: 8 * (2 * F + F + KC * F), // dβ, dγ, dbias, dW
    dz: 4 * F * Bp,
    dxT: input ? 4 * Lp * C * Bp : 0,
    dx: input ? 4 * B * L * C : 0,
  };
  return withParts(call, (at) => {
    f32(at.dy, B * n).set(dy);
    m.transpose(at.dyT, at.dy, B, n, n, Bp, Bp);
    f32(at.w, KC * F).set(s.kernel);
    const dBeta = at.sums, dGamma = at.sums + 8 * F, dBias = at.sums + 16 * F;
    const dW = at.sums + 24 * F;
    f64(at.sums, 3 * F + KC * F).fill(0);
    m.backward_sums(dBeta, dGamma, s.at.xHat, s.at.argmax, at.dyT, F, Bp, pool, P);
    const beta = f64(dBeta, F).slice(), gamma = f64(dGamma, F).slice();
    // dz = a·g + bc + cc·x̂ per filter (conv_block_kernels.ts).
    const a = new Float64Array(F);
    const coefficients = f32(at.coefficients, 3 * F);
    for (let f = 0; f < F; f++) {
      a[f] = s.gamma[f] * s.rstd[f];
      coefficients[f] = a[f];
      if (s.training) {
        coefficients[F + f] = -a[f] * beta[f] / (B * T);
        coefficients[2 * F + f] = -a[f] * gamma[f] / (B * T);
      }
    }
    if (input) f32(at.dxT, Lp * C * Bp).fill(0);
    m.backward_sweep(
      dW,
      dBias,
      input ? at.dxT : 0,
      at.dz,
      s.xT,
      at.w,
      s.at.xHat,
      s.at.argmax,
      at.dyT,
      at.coefficients,
      at.coefficients + 4 * F,
      at.coefficients + 8 * F,
      T,
      KC,
      F,
      S * C,
      pool,
      P,
      Bp,
      B,
      s.training ? 1 : 0,
    );
    const out: ConvBlockGradients = {
      dKernel: Float32Array.from(f64(dW, KC * F)),
      dBias: Float32Array.from(f64(dBias, F)),
      dGamma: Float32Array.from(gamma),
      dBeta: Float32Array.from(beta),
    };
    if (!s.training) {
      // ∂/∂μ = −γ·r·Σg,  ∂/∂σ² = −½·γ·r³·Σ g·(z − μ) = −½·γ·r²·dγ.
      out.dMovingMean = Float32Array.from(beta, (v, f) => -a[f] * v);
      out.dMovingVariance = Float32Array.from(gamma, (v, f) => -0.5 * a[f] * s.rstd[f] * v);
    }
    if (input) {
      const rows = Math.min(L, Lp - padLeft) * C;
      if (rows < L * C) f32(at.dx, B * L * C).fill(0); // 'valid': x's unread tail
      m.transpose(at.dx, at.dxT + 4 * padLeft * C * Bp, rows, B, Bp, L * C, B);
      if (dxView) dxView(f32(at.dx, B * L * C));
      else out.dx = f32(at.dx, B * L * C).slice();
    }
    return out;
  });
}
