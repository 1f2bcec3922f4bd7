/**
 * The block's three batch-parallel phases as plain-data jobs, so that one function,
 * {@linkcode runPhase}, runs any slice of the batch, on the main thread or in a worker
 * (conv_block_pool.ts). Per-slice accumulators (`part`) keep slices from writing the same
 * memory; the caller adds the parts up. With one part this is exactly the serial computation.
 *
 * The plain loops here are the reference; conv_block_codegen.ts generates bitwise-equal,
 * shape-specialized ones.
 */
import {
  type BackwardLoop,
  backwardLoop,
  type ConvForwardLoop,
  convForwardLoop,
  type NormalizePoolLoop,
  normalizePoolLoop,
} from "./conv_block_codegen.ts";

/**
 * Which multiply-add loops to run: the plain ones (the reference), or the shape-specialized
 * ones of conv_block_codegen.ts (bitwise equal, several times faster).
 */
export type Loops = "reference" | "generated";

/** Pass 1: z = conv(x) + bias, with Σz, Σz² per filter into `sums[part·2F …]`. */
export interface ConvJob {
  kind: "conv";
  loops: Loops;
  kc: number; // K·C
  filters: number; // F
  step: number; // S·C
  outLength: number; // T
  xRow: number; // paddedLength·C
  xPadded: Float32Array; // [B, paddedLength, C]
  weightsT: Float64Array; // [F, K·C]
  bias: Float32Array; // [F]
  z: Float32Array; // [B, T, F] out
  sums: Float64Array; // [parts, 2F] out, added to
}

/** Pass 2: x̂ in place of z, ReLU, max-pool into y and argmax. */
export interface NormalizePoolJob {
  kind: "normalizePool";
  loops: Loops;
  filters: number;
  outLength: number; // T
  pooled: number; // P
  pool: number;
  lastMaxWins: boolean;
  z: Float32Array; // [B, T, F] in: z, out: x̂
  mean: Float32Array; // [F]
  rstd: Float64Array; // [F]
  gamma: Float64Array; // [F]
  beta: Float32Array; // [F]
  y: Float32Array; // [B, P, F] out
  argmax: Int32Array; // [B, P, F] out
}

/** The backward sweep into `dWT[part·F·KC …]`, `dBias[part·F …]` and dx. */
export interface BackwardJob {
  kind: "backward";
  loops: Loops;
  kc: number;
  filters: number;
  step: number;
  outLength: number;
  pooled: number;
  pool: number;
  xRow: number;
  dense: boolean; // training mode: dz ≠ 0 everywhere
  want: { params: boolean; input: boolean };
  xPadded: Float32Array;
  weightsT: Float64Array;
  xHat: Float32Array;
  argmax: Int32Array;
  dy: Float32Array; // [B, P, F]
  a: Float64Array; // [F] dz coefficients: a·g + bc + cc·x̂
  bc: Float64Array;
  cc: Float64Array;
  dWT: Float64Array | null; // [parts, F, K·C] out, added to
  dBias: Float64Array; // [parts, F] out, added to
  dxPadded: Float32Array | null; // [B, paddedLength, C] out, added to
}

export type PhaseJob = ConvJob | NormalizePoolJob | BackwardJob;

/** Runs `job` on batch items [b0, b0 + nb), accumulating into slot `part`. */
export function runPhase(job: PhaseJob, part: number, b0: number, nb: number): void {
  if (job.kind === "conv") {
    const { kc, filters: F, step, outLength: T, xRow } = job;
    const loop = job.loops === "generated" ? convForwardLoop(kc, F, step) : convForwardReference;
    loop(
      job.xPadded.subarray(b0 * xRow, (b0 + nb) * xRow),
      job.weightsT,
      job.bias,
      job.z.subarray(b0 * T * F, (b0 + nb) * T * F),
      nb,
      T,
      xRow,
      step,
      job.sums.subarray(part * 2 * F, (part + 1) * 2 * F),
    );
  } else if (job.kind === "normalizePool") {
    const { filters: F, outLength: T, pooled: P, pool, lastMaxWins } = job;
    const loop = job.loops === "generated"
      ? normalizePoolLoop(F, pool, lastMaxWins)
      : normalizePoolReference;
    loop(
      job.z.subarray(b0 * T * F, (b0 + nb) * T * F),
      job.mean,
      job.rstd,
      job.gamma,
      job.beta,
      job.y.subarray(b0 * P * F, (b0 + nb) * P * F),
      job.argmax.subarray(b0 * P * F, (b0 + nb) * P * F),
      { batch: nb, outLength: T, pooled: P, pool, lastMaxWins },
    );
  } else {
    const { kc, filters: F, step, outLength: T, pooled: P, pool, xRow } = job;
    const loop = job.loops === "generated"
      ? backwardLoop(kc, F, step, job.want)
      : backwardReference;
    const size = F * kc;
    loop(
      job.xPadded.subarray(b0 * xRow, (b0 + nb) * xRow),
      job.weightsT,
      job.xHat.subarray(b0 * T * F, (b0 + nb) * T * F),
      job.argmax.subarray(b0 * P * F, (b0 + nb) * P * F),
      job.dy.subarray(b0 * P * F, (b0 + nb) * P * F),
      job.a,
      job.bc,
      job.cc,
      job.dWT ? job.dWT.subarray(part * size, (part + 1) * size) : null,
      job.dBias.subarray(part * F, (part + 1) * F),
      job.dxPadded ? job.dxPadded.subarray(b0 * xRow, (b0 + nb) * xRow) : null,
      { batch: nb, outLength: T, pooled: P, pool, xRow, step },
      job.dense,
    );
  }
}

/**
 * The convolution, plainly: one dot product of length K·C per (b, t, f); the window
 * x[b, t·S − padLeft + k, c] for k < K, c < C is contiguous in the padded input, `step` = S·C
 * apart from one t to the next.
 */
export const convForwardReference: ConvForwardLoop = (x, wT, bias, z, B, T, xRow, step, sums) => {
  const F = bias.length;
  const KC = wT.length / F;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = b * xRow + t * step;
      const zo = (b * T + t) * F;
      for (let f = 0; f < F; f++) {
        const wo = f * KC;
        let acc = bias[f];
        for (let j = 0; j < KC; j++) acc += wT[wo + j] * x[o + j];
        z[zo + f] = acc;
        const v = z[zo + f]; // as stored, in float32
        sums[f] += v;
        sums[F + f] += v * v;
      }
    }
  }
};

/**
 * Normalization and pooling, plainly: x̂ = (z − μ)·r in place, then per window and filter the
 * maximum of γ·x̂ + β (rounded to float32, as tfjs compares the ReLU outputs). max(relu(v)) =
 * relu(max(v)), and a window whose maximum is ≤ 0 passes no gradient (argmax −1).
 */
export const normalizePoolReference: NormalizePoolLoop = (
  xHat,
  mean,
  rstd,
  gamma,
  beta,
  y,
  argmax,
  sizes,
) => {
  const { batch: B, outLength: T, pooled: P, pool, lastMaxWins } = sizes;
  const F = mean.length;
  for (let i = 0; i < xHat.length; i += F) {
    for (let f = 0; f < F; f++) xHat[i + f] = (xHat[i + f] - mean[f]) * rstd[f];
  }
  for (let b = 0; b < B; b++) {
    for (let q = 0; q < P; q++) {
      const yo = (b * P + q) * F;
      const t0 = q * pool;
      for (let f = 0; f < F; f++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0, xo = (b * T + t0) * F + f; i < pool; i++, xo += F) {
          const v = Math.fround(gamma[f] * xHat[xo] + beta[f]);
          if (v > best || (lastMaxWins && v === best)) {
            best = v;
            at = t0 + i;
          }
        }
        y[yo + f] = best > 0 ? best : 0;
        argmax[yo + f] = best > 0 ? at : -1;
      }
    }
  }
};

/**
 * The backward sweep, plainly: for each conv position, dz per filter (float32, as tfjs would
 * hold it), then dbias, dW (float64 accumulators) and dx (Σ over filters in float64, added
 * once to the float32 dx).
 */
export const backwardReference: BackwardLoop = (
  x,
  wT,
  xHat,
  argmax,
  dy,
  a,
  bc,
  cc,
  dWT,
  dBias,
  dx,
  sizes,
  dense,
) => {
  const { batch: B, outLength: T, pooled: P, pool, xRow, step } = sizes;
  const F = a.length;
  const KC = wT.length / F;
  const dz = new Float64Array(F);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const zo = (b * T + t) * F;
      const q = Math.floor(t / pool);
      const winnerAt = q < P ? (b * P + q) * F : -1;
      let any = dense;
      for (let f = 0; f < F; f++) {
        let d = bc[f] + cc[f] * xHat[zo + f];
        if (winnerAt >= 0 && argmax[winnerAt + f] === t) {
          d += a[f] * dy[winnerAt + f];
          any = true;
        }
        dz[f] = d;
      }
      if (!any) continue; // inference mode: dz is 0 away from the winners
      for (let f = 0; f < F; f++) {
        dz[f] = Math.fround(dz[f]);
        dBias[f] += dz[f];
      }
      const o = b * xRow + t * step;
      if (dWT) {
        for (let f = 0; f < F; f++) {
          for (let j = 0; j < KC; j++) dWT[f * KC + j] += dz[f] * x[o + j];
        }
      }
      if (dx) {
        for (let j = 0; j < KC; j++) {
          let sum = 0;
          for (let f = 0; f < F; f++) sum += dz[f] * wT[f * KC + j];
          dx[o + j] += sum;
        }
      }
    }
  }
};
