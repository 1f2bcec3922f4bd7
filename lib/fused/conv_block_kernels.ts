/**
 * The arithmetic of the fused Conv1D → BatchNorm → ReLU → MaxPool block on plain typed arrays,
 * with no tfjs in sight: geometry, one forward pass, one backward pass, as plain loops. This
 * is the reference: conv_block_wasm.ts runs the same passes in WebAssembly SIMD (what
 * conv_block.ts uses), and tests/fused_conv_block_test.ts holds the two equal.
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
 * Sums run in float64 (JavaScript numbers), except the batch statistics on the wasm backend,
 * which follow its float32 summation (see `float32Statistics`); tensors are stored as float32,
 * as tfjs stores them.
 */

/** TF padding modes of the convolution. */
export type Padding = "same" | "valid";

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

/** What the forward pass keeps for the backward pass. */
export interface ConvBlockSaved {
  geometry: ConvBlockGeometry;
  training: boolean;
  xPadded: Float32Array; // [B, paddedLength, C], x with its zero padding
  kernel: Float32Array; // [K·C, F]
  xHat: Float32Array; // [B, T, F] normalized conv output
  argmax: Int32Array; // [B, P, F] conv position t of each window's winner, −1 if ReLU'd to 0
  gamma: Float32Array; // [F]
  rstd: Float64Array; // [F] 1 / √(σ² + ε) as used
  mean: Float32Array; // [F] batch mean (training) or the moving mean used
  variance: Float32Array; // [F] batch biased variance (training) or the moving variance used
}

/**
 * The forward pass: x [B, L, C] → y [B, P, F], and what the backward pass needs. Training
 * mode uses the batch statistics (returned in `saved.mean`, `saved.variance`).
 */
export function convBlockForward(
  g: ConvBlockGeometry,
  x: Float32Array,
  p: ConvBlockParams,
): { y: Float32Array; saved: ConvBlockSaved } {
  const { batch: B, inChannels: C, kernelSize: K, filters: F, stride: S } = g;
  const { outLength: T, pool, pooledLength: P, paddedLength: Lp } = g;
  const KC = K * C;
  const xPadded = padInput(g, x);

  // The convolution: a dot product of length K·C per (b, t, f); the window
  // x[b, t·S − padLeft + k, c] for k < K, c < C is contiguous in the padded input.
  const z = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * Lp + t * S) * C;
      for (let f = 0; f < F; f++) {
        let acc = p.bias[f];
        for (let j = 0; j < KC; j++) acc += p.kernel[j * F + f] * xPadded[o + j];
        z[(b * T + t) * F + f] = acc;
      }
    }
  }

  const mean = new Float32Array(F);
  const variance = new Float32Array(F);
  if (p.training && p.float32Statistics) {
    batchStatisticsFloat32(z, mean, variance);
  } else if (p.training) {
    const n = B * T;
    for (let f = 0; f < F; f++) {
      let sum = 0;
      for (let i = f; i < z.length; i += F) sum += z[i];
      mean[f] = sum / n;
      let squares = 0;
      for (let i = f; i < z.length; i += F) squares += (z[i] - sum / n) ** 2;
      variance[f] = squares / n;
    }
  } else {
    mean.set(p.movingMean!);
    variance.set(p.movingVariance!);
  }
  const rstd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + p.epsilon));

  // Normalize in place (z becomes x̂), then per window and filter the maximum of γ·x̂ + β
  // (rounded to float32, as tfjs compares the ReLU outputs). max(relu(v)) = relu(max(v)), and
  // a window whose maximum is ≤ 0 passes no gradient (argmax −1).
  const xHat = z;
  for (let i = 0; i < xHat.length; i += F) {
    for (let f = 0; f < F; f++) xHat[i + f] = (xHat[i + f] - mean[f]) * rstd[f];
  }
  const y = new Float32Array(B * P * F);
  const argmax = new Int32Array(B * P * F);
  for (let b = 0; b < B; b++) {
    for (let q = 0; q < P; q++) {
      const yo = (b * P + q) * F;
      const t0 = q * pool;
      for (let f = 0; f < F; f++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < pool; i++) {
          const v = Math.fround(p.gamma[f] * xHat[(b * T + t0 + i) * F + f] + p.beta[f]);
          if (v > best || (p.lastMaxWins && v === best)) {
            best = v;
            at = t0 + i;
          }
        }
        y[yo + f] = best > 0 ? best : 0;
        argmax[yo + f] = best > 0 ? at : -1;
      }
    }
  }
  const saved = {
    geometry: g,
    training: p.training,
    xPadded,
    kernel: p.kernel.slice(),
    xHat,
    argmax,
    gamma: p.gamma.slice(),
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
function padInput(g: ConvBlockGeometry, x: Float32Array): Float32Array {
  const { batch: B, length: L, inChannels: C, padLeft, paddedLength: Lp } = g;
  const out = new Float32Array(B * Lp * C);
  const copied = Math.min(L, Lp - padLeft) * C; // 'valid' may leave a tail of x unread
  for (let b = 0; b < B; b++) {
    out.set(x.subarray(b * L * C, b * L * C + copied), (b * Lp + padLeft) * C);
  }
  return out;
}

/** Gradients of the block; dx only if asked for. */
export interface ConvBlockGradients {
  dx?: Float32Array; // [B, L, C]
  dKernel: Float32Array; // [K, C, F]
  dBias: Float32Array; // [F]
  dGamma: Float32Array; // [F]
  dBeta: Float32Array; // [F]
  dMovingMean?: Float32Array; // [F], inference mode only
  dMovingVariance?: Float32Array; // [F], inference mode only
}

/**
 * The backward pass for dy [B, P, F]: the parameters' gradients, and dx if `input`. One sweep
 * over the B·T conv positions computes dz (in float32, as tfjs would hold it) and accumulates
 * the gradients.
 */
export function convBlockBackward(
  s: ConvBlockSaved,
  dy: Float32Array,
  input: boolean,
): ConvBlockGradients {
  const g = s.geometry;
  const { batch: B, inChannels: C, kernelSize: K, filters: F, stride: S } = g;
  const { outLength: T, pool, pooledLength: P, paddedLength: Lp } = g;
  const KC = K * C;
  const { xPadded, kernel, xHat, argmax, gamma, rstd } = s;

  // dβ and dγ only see the window winners.
  const dBeta = new Float64Array(F);
  const dGamma = new Float64Array(F);
  for (let i = 0; i < argmax.length; i += F) {
    const b = Math.floor(i / (P * F));
    for (let f = 0; f < F; f++) {
      const t = argmax[i + f];
      if (t < 0) continue;
      dBeta[f] += dy[i + f];
      dGamma[f] += dy[i + f] * xHat[(b * T + t) * F + f];
    }
  }
  // dz = a·g + bc + cc·x̂ per filter.
  const n = B * T;
  const a = Float64Array.from(gamma, (v, f) => v * rstd[f]);
  const bc = Float64Array.from(a, (v, f) => s.training ? -v * dBeta[f] / n : 0);
  const cc = Float64Array.from(a, (v, f) => s.training ? -v * dGamma[f] / n : 0);

  const dW = new Float64Array(KC * F);
  const dBias = new Float64Array(F);
  const dxPadded = input ? new Float32Array(B * Lp * C) : null;
  const dz = new Float64Array(F);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const zo = (b * T + t) * F;
      const q = Math.floor(t / pool);
      const winnerAt = q < P ? (b * P + q) * F : -1;
      for (let f = 0; f < F; f++) {
        let d = bc[f] + cc[f] * xHat[zo + f];
        if (winnerAt >= 0 && argmax[winnerAt + f] === t) d += a[f] * dy[winnerAt + f];
        dz[f] = Math.fround(d);
        dBias[f] += dz[f];
      }
      const o = (b * Lp + t * S) * C;
      for (let j = 0; j < KC; j++) {
        let sum = 0;
        for (let f = 0; f < F; f++) {
          dW[j * F + f] += dz[f] * xPadded[o + j];
          sum += dz[f] * kernel[j * F + f];
        }
        if (dxPadded) dxPadded[o + j] += sum;
      }
    }
  }

  const out: ConvBlockGradients = {
    dKernel: Float32Array.from(dW),
    dBias: Float32Array.from(dBias),
    dGamma: Float32Array.from(dGamma),
    dBeta: Float32Array.from(dBeta),
  };
  if (!s.training) {
    // ∂/∂μ = −γ·r·Σg,  ∂/∂σ² = −½·γ·r³·Σ g·(z − μ) = −½·γ·r²·dγ.
    out.dMovingMean = Float32Array.from(dBeta, (v, f) => -a[f] * v);
    out.dMovingVariance = Float32Array.from(dGamma, (v, f) => -0.5 * a[f] * rstd[f] * v);
  }
  if (dxPadded) out.dx = cropInput(g, dxPadded);
  return out;
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
