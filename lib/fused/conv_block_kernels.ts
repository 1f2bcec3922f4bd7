/**
 * The arithmetic of the fused Conv1D → BatchNorm → ReLU → MaxPool block on plain typed arrays,
 * with no tfjs in sight: geometry, one forward pass, one backward pass. conv_block.ts wraps
 * these as a tfjs kernel with its gradient.
 *
 * Forward, per batch item b, conv position t ∈ [0, T), filter f, pooled position p ∈ [0, P):
 *
 *   z[b,t,f]    = bias[f] + Σ_{k,c} W[k,c,f] · x[b, t·S + k − padLeft, c]    (0 outside x)
 *   μ[f], σ²[f] = mean and biased variance of z[·,·,f] over all B·T positions   (training)
 *               = movingMean[f], movingVariance[f]                             (inference)
 *   x̂[b,t,f]    = (z[b,t,f] − μ[f]) · r[f],     r[f] = 1 / √(σ²[f] + ε)
 *   y[b,p,f]    = max_{i < pool} relu(γ[f] · x̂[b, p·pool + i, f] + β[f])
 *
 * Backward, with g = dy routed to each window's maximum and masked by ReLU' (0 where the
 * winning value is ≤ 0), and N = B·T. Ties between equal maxima follow the backend's
 * MaxPoolGrad, which differs: the wasm backend picks the last, the cpu backend the first.
 *
 *   dβ[f] = Σ g,      dγ[f] = Σ g · x̂
 *   dz    = γ·r · (g − dβ/N − x̂ · dγ/N)          (training: μ and σ² depend on z)
 *         = γ·r · g                                (inference: they are constants)
 *   dbias = Σ dz,     dW[k,c,f] = Σ_{b,t} dz[b,t,f] · x[b, t·S + k − padLeft, c]
 *   dx[b, t·S + k − padLeft, c] += Σ_f dz[b,t,f] · W[k,c,f]
 *
 * In training mode dbias is mathematically 0 (Σ x̂ = 0): the batch mean absorbs the bias.
 *
 * Three passes over the batch, each splittable by batch items (conv_block_phases.ts): the
 * convolution, normalize + ReLU + pool, and the backward sweep; the batch statistics in
 * between. Sums run in float64 (JavaScript numbers), except the batch statistics on the wasm
 * backend, which follow its float32 summation (see `float32Statistics`); tensors are stored as
 * float32, as tfjs stores them.
 */

import { statisticsFloat32Loop } from "./conv_block_codegen.ts";
import { type Loops, type PhaseJob, runPhase } from "./conv_block_phases.ts";

export type { Loops } from "./conv_block_phases.ts";

/** TF padding modes of the convolution. */
export type Padding = "same" | "valid";

/**
 * Runs the batch-parallel phases and allocates the arrays they share. The serial one runs
 * everything here; a worker pool (conv_block_pool.ts) splits the batch into `parts`.
 */
export interface ConvBlockExecutor {
  parts: number;
  float32(length: number): Float32Array;
  float64(length: number): Float64Array;
  int32(length: number): Int32Array;
  /** Runs `job` over the whole batch of `batch` items. */
  run(job: PhaseJob, batch: number): void;
}

/** Everything on this thread. */
export const serialExecutor: ConvBlockExecutor = {
  parts: 1,
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  int32: (n) => new Int32Array(n),
  run: (job, batch) => runPhase(job, 0, 0, batch),
};

/** How to run a pass: which loops, on which executor (defaults: generated, serial). */
export interface RunOptions {
  loops?: Loops;
  executor?: ConvBlockExecutor;
}

/** Σ over parts of a [parts, n] array, part by part. */
function addParts(parts: Float64Array, n: number): Float64Array {
  const out = parts.slice(0, n);
  for (let at = n; at < parts.length; at += n) {
    for (let i = 0; i < n; i++) out[i] += parts[at + i];
  }
  return out;
}

/** Shapes and offsets of one block applied to one input shape. All counts are ≥ 1. */
export interface ConvBlockGeometry {
  batch: number; // B
  length: number; // L, input positions
  inChannels: number; // C
  kernelSize: number; // K
  filters: number; // F
  stride: number; // S
  padLeft: number; // zeros before x[·, 0, ·]
  outLength: number; // T, conv positions
  pool: number; // max-pool window = stride
  pooledLength: number; // P = floor(T / pool)
  paddedLength: number; // (T − 1)·S + K: the input span the convolution reads
}

/**
 * The block's geometry for an input [batch, length, inChannels], with TF's padding rules:
 * 'same': T = ceil(L / S), pad total = max((T − 1)·S + K − L, 0), left = floor(total / 2);
 * 'valid': T = ceil((L − K + 1) / S), no padding. Throws a RangeError if nothing is left.
 */
export function convBlockGeometry(
  batch: number,
  length: number,
  inChannels: number,
  options: { kernelSize: number; filters: number; stride: number; padding: Padding; pool: number },
): ConvBlockGeometry {
  const { kernelSize, filters, stride, padding, pool } = options;
  for (const [name, value] of Object.entries({ kernelSize, filters, stride, pool, inChannels })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`Conv block ${name} must be a positive integer, got ${value}`);
    }
  }
  let outLength: number;
  let padLeft = 0;
  if (padding === "same") {
    outLength = Math.ceil(length / stride);
    padLeft = Math.floor(Math.max((outLength - 1) * stride + kernelSize - length, 0) / 2);
  } else if (padding === "valid") {
    outLength = Math.ceil((length - kernelSize + 1) / stride);
  } else {
    throw new RangeError(`Conv block padding must be "same" or "valid", got "${padding}"`);
  }
  const pooledLength = Math.floor(outLength / pool);
  if (pooledLength < 1) {
    throw new RangeError(
      `Conv block: input length ${length} leaves ${Math.max(outLength, 0)} conv positions, ` +
        `fewer than one pool window of ${pool}`,
    );
  }
  return {
    batch,
    length,
    inChannels,
    kernelSize,
    filters,
    stride,
    padLeft,
    outLength,
    pool,
    pooledLength,
    paddedLength: (outLength - 1) * stride + kernelSize,
  };
}

/** What the forward pass keeps for the backward pass (all owned by it, none shared). */
export interface ConvBlockSaved {
  geometry: ConvBlockGeometry;
  training: boolean;
  xPadded: Float32Array; // [B, paddedLength, C], x with its zero padding
  weightsT: Float64Array; // [F, K·C], W transposed: one contiguous row per filter
  xHat: Float32Array; // [B, T, F] normalized conv output
  argmax: Int32Array; // [B, P, F] conv position t of each window's winner, −1 if ReLU'd to 0
  gamma: Float64Array; // [F]
  rstd: Float64Array; // [F] 1 / √(σ² + ε) as used
  mean: Float32Array; // [F] batch mean (training) or the moving mean used
  variance: Float32Array; // [F] batch biased variance (training) or the moving variance used
}

/** Parameters of one forward call; typed arrays in tfjs layouts. */
export interface ConvBlockParams {
  kernel: Float32Array; // [K, C, F]
  bias: Float32Array; // [F]
  gamma: Float32Array; // [F]
  beta: Float32Array; // [F]
  movingMean?: Float32Array; // [F], inference only
  movingVariance?: Float32Array; // [F], inference only
  epsilon: number;
  training: boolean;
  /** Tied maxima: the last one takes the gradient (wasm's MaxPoolGrad), else the first (cpu). */
  lastMaxWins: boolean;
  /**
   * Batch statistics summed in float32, one position after the other, as the wasm backend's
   * Mean kernel does (bitwise equal to its tf.moments); else in float64, as the cpu backend
   * does. The float32 sums drift: at batch 256 × 625 positions wasm's variance comes out
   * about 3e-5 low, so matching the stock graph within 1e-5 means drifting with it.
   */
  float32Statistics: boolean;
}

/**
 * The forward pass: x [B, L, C] → y [B, P, F], and what the backward pass needs. Training
 * mode uses the batch statistics (returned in `saved.mean`, `saved.variance`).
 */
export function convBlockForward(
  g: ConvBlockGeometry,
  x: Float32Array,
  p: ConvBlockParams,
  options: RunOptions = {},
): { y: Float32Array; saved: ConvBlockSaved } {
  const loops = options.loops ?? "generated";
  const exec = options.executor ?? serialExecutor;
  const { batch: B, inChannels: C, kernelSize: K, filters: F, stride: S } = g;
  const { outLength: T, pool, pooledLength: P, paddedLength: Lp } = g;
  const KC = K * C;
  const xPadded = padInput(g, x, exec);
  const weightsT = new Float64Array(F * KC);
  for (let j = 0; j < KC; j++) {
    for (let f = 0; f < F; f++) weightsT[f * KC + j] = p.kernel[j * F + f];
  }

  // Pass 1: the convolution, with Σz and Σz² per filter on the way.
  const z = exec.float32(B * T * F);
  const sumParts = exec.float64(exec.parts * 2 * F);
  exec.run({
    kind: "conv",
    loops,
    kc: KC,
    filters: F,
    step: S * C,
    outLength: T,
    xRow: Lp * C,
    xPadded,
    weightsT,
    bias: p.bias.slice(),
    z,
    sums: sumParts,
  }, B);
  const sums = addParts(sumParts, 2 * F);

  const mean = new Float32Array(F);
  const variance = new Float32Array(F);
  if (p.training && p.float32Statistics) {
    const statistics = loops === "generated" ? statisticsFloat32Loop(F) : batchStatisticsFloat32;
    statistics(z, mean, variance);
  } else if (p.training) {
    // In float64, E[z²] − E[z]² loses about mean²/σ² · 2⁻⁵² relative: harmless unless the
    // mean exceeds the spread a million times over.
    const n = B * T;
    for (let f = 0; f < F; f++) {
      const m = sums[f] / n;
      mean[f] = m;
      variance[f] = Math.max(sums[F + f] / n - m * m, 0);
    }
  } else {
    mean.set(p.movingMean!);
    variance.set(p.movingVariance!);
  }
  const rstd = new Float64Array(F);
  const gamma = Float64Array.from(p.gamma);
  for (let f = 0; f < F; f++) rstd[f] = 1 / Math.sqrt(variance[f] + p.epsilon);

  // Pass 2: normalize in place (z becomes x̂), ReLU and max-pool.
  const y = exec.float32(B * P * F);
  const argmax = exec.int32(B * P * F);
  exec.run({
    kind: "normalizePool",
    loops,
    filters: F,
    outLength: T,
    pooled: P,
    pool,
    lastMaxWins: p.lastMaxWins,
    z,
    mean,
    rstd,
    gamma,
    beta: p.beta.slice(),
    y,
    argmax,
  }, B);
  const saved = {
    geometry: g,
    training: p.training,
    xPadded,
    weightsT,
    xHat: z,
    argmax,
    gamma,
    rstd,
    mean,
    variance,
  };
  return { y, saved };
}

/**
 * tf.moments(z, [0, 1]) as the wasm backend computes it: float32 sums in position order,
 * mean = Σz / n, variance = Σ fround(z − mean)² / n, each step rounded to float32.
 */
function batchStatisticsFloat32(z: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const F = mean.length;
  const n = z.length / F;
  const sum = new Float32Array(F); // every += rounds to float32
  for (let i = 0; i < z.length; i += F) {
    for (let f = 0; f < F; f++) sum[f] += z[i + f];
  }
  for (let f = 0; f < F; f++) mean[f] = sum[f] / n;
  const squares = new Float32Array(F);
  for (let i = 0; i < z.length; i += F) {
    for (let f = 0; f < F; f++) {
      const d = Math.fround(z[i + f] - mean[f]);
      squares[f] += Math.fround(d * d);
    }
  }
  for (let f = 0; f < F; f++) variance[f] = squares[f] / n;
}

/** x [B, L, C] copied into [B, paddedLength, C] at offset padLeft, zeros around it. */
function padInput(g: ConvBlockGeometry, x: Float32Array, exec: ConvBlockExecutor): Float32Array {
  const { batch: B, length: L, inChannels: C, padLeft, paddedLength: Lp } = g;
  const out = exec.float32(B * Lp * C);
  const copied = Math.min(L, Lp - padLeft) * C; // 'valid' may leave a tail of x unread
  for (let b = 0; b < B; b++) {
    out.set(x.subarray(b * L * C, b * L * C + copied), (b * Lp + padLeft) * C);
  }
  return out;
}

/** Gradients of the block; each present only if asked for. */
export interface ConvBlockGradients {
  dx?: Float32Array; // [B, L, C]
  dKernel?: Float32Array; // [K, C, F]
  dBias?: Float32Array; // [F]
  dGamma?: Float32Array; // [F]
  dBeta?: Float32Array; // [F]
  dMovingMean?: Float32Array; // [F], inference mode only
  dMovingVariance?: Float32Array; // [F], inference mode only
}

/**
 * The backward pass for dy [B, P, F]: one sweep over the B·T conv positions computes dz on
 * the fly and accumulates the parameter gradients (`params`) and/or dx (`input`).
 */
export function convBlockBackward(
  s: ConvBlockSaved,
  dy: Float32Array,
  want: { params: boolean; input: boolean },
  options: RunOptions = {},
): ConvBlockGradients {
  const loops = options.loops ?? "generated";
  const exec = options.executor ?? serialExecutor;
  const g = s.geometry;
  const { batch: B, inChannels: C, kernelSize: K, filters: F, stride: S } = g;
  const { outLength: T, pool, pooledLength: P, paddedLength: Lp } = g;
  const KC = K * C;
  const { xHat, argmax, gamma, rstd } = s;

  // dβ and dγ only see the window winners.
  const dBeta = new Float64Array(F);
  const dGamma = new Float64Array(F);
  for (let i = 0; i < argmax.length; i += F) {
    const b = Math.floor(i / (P * F));
    for (let f = 0; f < F; f++) {
      const t = argmax[i + f];
      if (t < 0) continue;
      const d = dy[i + f];
      dBeta[f] += d;
      dGamma[f] += d * xHat[(b * T + t) * F + f];
    }
  }
  // dz = a·g + bc + cc·x̂ per filter.
  const n = B * T;
  const a = new Float64Array(F);
  const bc = new Float64Array(F);
  const cc = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    a[f] = gamma[f] * rstd[f];
    if (s.training) {
      bc[f] = -a[f] * dBeta[f] / n;
      cc[f] = -a[f] * dGamma[f] / n;
    }
  }

  const dWTParts = want.params ? exec.float64(exec.parts * F * KC) : null;
  const dBiasParts = exec.float64(exec.parts * F);
  const dxPadded = want.input ? exec.float32(B * Lp * C) : null;
  exec.run({
    kind: "backward",
    loops,
    kc: KC,
    filters: F,
    step: S * C,
    outLength: T,
    pooled: P,
    pool,
    xRow: Lp * C,
    dense: s.training,
    want,
    xPadded: s.xPadded,
    weightsT: s.weightsT,
    xHat,
    argmax,
    dy: exec.parts > 1 ? copyInto(exec.float32(dy.length), dy) : dy,
    a,
    bc,
    cc,
    dWT: dWTParts,
    dBias: dBiasParts,
    dxPadded,
  }, B);
  const dWT = dWTParts ? addParts(dWTParts, F * KC) : null;
  const dBias = addParts(dBiasParts, F);

  const out: ConvBlockGradients = {};
  if (want.params) {
    const dKernel = new Float32Array(KC * F);
    for (let f = 0; f < F; f++) {
      for (let j = 0; j < KC; j++) dKernel[j * F + f] = dWT![f * KC + j];
    }
    out.dKernel = dKernel;
    out.dBias = Float32Array.from(dBias);
    out.dGamma = Float32Array.from(dGamma);
    out.dBeta = Float32Array.from(dBeta);
    if (!s.training) {
      // ∂/∂μ = −γ·r·Σg,  ∂/∂σ² = −½·γ·r³·Σ g·(z − μ) = −½·γ·r²·dγ.
      out.dMovingMean = Float32Array.from(dBeta, (v, f) => -a[f] * v);
      out.dMovingVariance = Float32Array.from(
        dGamma,
        (v, f) => -0.5 * gamma[f] * rstd[f] * rstd[f] * v,
      );
    }
  }
  if (dxPadded) out.dx = cropInput(g, dxPadded);
  return out;
}

function copyInto(to: Float32Array, from: Float32Array): Float32Array {
  to.set(from);
  return to;
}

/** The inverse of padInput for gradients: [B, paddedLength, C] → [B, L, C]. */
function cropInput(g: ConvBlockGeometry, padded: Float32Array): Float32Array {
  const { batch: B, length: L, inChannels: C, padLeft, paddedLength: Lp } = g;
  const out = new Float32Array(B * L * C);
  const copied = Math.min(L, Lp - padLeft) * C;
  for (let b = 0; b < B; b++) {
    const from = (b * Lp + padLeft) * C;
    out.set(padded.subarray(from, from + copied), b * L * C);
  }
  return out;
}
