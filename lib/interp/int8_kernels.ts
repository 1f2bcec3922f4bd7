/**
 * Reference int8 kernels, one per op, following docs/int8-spec.md line by line (section numbers
 * in each doc comment). Plain loops over typed arrays; no checks (the IR was validated).
 * Outputs are written densely (row stride = own channel count): views are a memory-placement
 * matter for the C side and do not change any value.
 */
import { hardSigmoidQ15, lut, rshift, sat8 } from "./arith.ts";

/** Parameters of {@linkcode conv1dS8} (spec §5). */
export interface Conv1dS8Params {
  /** [T_in, C_in] int8. */
  x: Int8Array;
  tIn: number;
  cIn: number;
  /** [C_out, K, C_in] int8. */
  w: Int8Array;
  /** [C_out] int32 at dec_x + dec_w[c]. */
  bias: Int32Array;
  /** [C_out] dec_x + dec_w[c] − dec_y, each in [0, 30]. */
  shift: Uint8Array;
  cOut: number;
  k: number;
  stride: number;
  padBefore: number;
  /** floor(T_conv / pool). */
  tOut: number;
  pool: number;
  relu: boolean;
  /** [T_out, C_out] int8, written. */
  y: Int8Array;
}

/** conv1d with fused ReLU and max-pool (spec §5). */
export function conv1dS8(p: Conv1dS8Params): void {
  const { x, tIn, cIn, w, bias, shift, cOut, k, stride, padBefore, tOut, pool, relu, y } = p;
  for (let to = 0; to < tOut; to++) {
    for (let c = 0; c < cOut; c++) {
      let m = -128;
      for (let j = 0; j < pool; j++) {
        const start = (to * pool + j) * stride - padBefore;
        // Taps outside [0, T_in) read zero padding and contribute nothing: skip them.
        const kFirst = start < 0 ? -start : 0;
        const kEnd = start + k > tIn ? tIn - start : k;
        let acc = bias[c];
        // The taps kFirst..kEnd−1 are contiguous in both x and w: one run of (kEnd−kFirst)·C_in.
        const xo = (start + kFirst) * cIn;
        const wo = (c * k + kFirst) * cIn;
        const n = (kEnd - kFirst) * cIn;
        for (let i = 0; i < n; i++) {
          acc += x[xo + i] * w[wo + i]; // |acc| ≤ |bias| + K·C_in·2^14 ≤ 2^29 + 2^29
        }
        let v = sat8(rshift(acc, shift[c])); // acc + 2^(shift−1) ≤ 2^30 + 2^29 < 2^31
        if (relu && v < 0) v = 0;
        if (v > m) m = v;
      }
      y[to * cOut + c] = m;
    }
  }
}

/** maxpool1d, 'valid' (spec §6). */
export function maxpool1dS8(
  x: Int8Array,
  c: number,
  pool: number,
  stride: number,
  tOut: number,
  y: Int8Array,
): void {
  for (let to = 0; to < tOut; to++) {
    for (let ch = 0; ch < c; ch++) {
      let m = -128;
      for (let j = 0; j < pool; j++) {
        const v = x[(to * stride + j) * c + ch];
        if (v > m) m = v;
      }
      y[to * c + ch] = m;
    }
  }
}

/** relu (spec §7). */
export function reluS8(x: Int8Array, y: Int8Array): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] < 0 ? 0 : x[i];
}

/** concat along channels, each input shifted by dec_k − dec_y ≥ 0 (spec §8). */
export function concatS8(
  inputs: Int8Array[],
  channels: number[],
  shifts: number[],
  t: number,
  y: Int8Array,
): void {
  const cy = channels.reduce((a, b) => a + b, 0);
  let offset = 0;
  for (let k = 0; k < inputs.length; k++) {
    const x = inputs[k];
    const ck = channels[k];
    const s = shifts[k];
    for (let tt = 0; tt < t; tt++) {
      for (let c = 0; c < ck; c++) y[tt * cy + offset + c] = sat8(rshift(x[tt * ck + c], s));
    }
    offset += ck;
  }
}

/** Parameters of {@linkcode denseS8} (spec §10). */
export interface DenseS8Params {
  /** [N_in] int8. */
  x: Int8Array;
  nIn: number;
  /** [N_out, N_in] int8. */
  w: Int8Array;
  /** [N_out] int32 at dec_x + dec_w[o]. */
  bias: Int32Array;
  /** [N_out]: to dec_y (linear, relu) or to preDec (sigmoid), each in [0, 30]. */
  shift: Uint8Array;
  nOut: number;
  activation: "linear" | "relu" | "sigmoid";
  /** [257] int16, sigmoid only. */
  table: Int16Array | null;
  /** Pg ∈ [1, 12], sigmoid only. */
  preDec: number;
  /** [N_out] int8, written. */
  y: Int8Array;
}

/** dense with linear, relu or sigmoid output (spec §10). */
export function denseS8(p: DenseS8Params): void {
  const { x, nIn, w, bias, shift, nOut, activation, table, preDec, y } = p;
  for (let o = 0; o < nOut; o++) {
    let acc = bias[o];
    const wo = o * nIn;
    for (let i = 0; i < nIn; i++) acc += x[i] * w[wo + i]; // |acc| ≤ 2^29 + N_in·2^14 ≤ 2^30
    if (activation === "sigmoid") {
      const pre = rshift(acc, shift[o]); // + 2^(s−1) ≤ 2^29: < 2^31
      y[o] = sat8(rshift(lut(table!, pre, preDec), 8));
    } else {
      const v = sat8(rshift(acc, shift[o]));
      y[o] = activation === "relu" && v < 0 ? 0 : v;
    }
  }
}

/** sigmoid on int8 input, int8 Q0.7 output (spec §13). */
export function sigmoidS8(
  x: Int8Array,
  inShift: number,
  preDec: number,
  table: Int16Array,
  y: Int8Array,
): void {
  for (let i = 0; i < x.length; i++) {
    y[i] = sat8(rshift(lut(table, rshift(x[i], inShift), preDec), 8));
  }
}

/** Parameters of {@linkcode gruS8} (spec §11). */
export interface GruS8Params {
  /** [T, N_in] int8 at dec_x. */
  x: Int8Array;
  t: number;
  nIn: number;
  units: number;
  /** [3, U, N_in] int8 (gates z, r, h). */
  w: Int8Array;
  /** [3, U, U] int8. */
  r: Int8Array;
  /** [3, U] int32 at dec_x + dec_W. */
  bias: Int32Array;
  /** [3U] per row g·U + u: dec_x + dec_W[row] − Pg. */
  sx: Uint8Array;
  /** [3U] per row: 15 + dec_U[row] − Pg. */
  sr: Uint8Array;
  preDec: number;
  hardSigmoid: boolean;
  tanhTable: Int16Array;
  /** Required when !hardSigmoid. */
  sigmoidTable: Int16Array | null;
  /** 15 − dec_y, dec_y ∈ [7, 15]. */
  outShift: number;
  returnSequences: boolean;
  /** [T, U] or [U] int8, written. */
  y: Int8Array;
  /** [U] int16 Q0.15: the state, zeroed here; holds the last h afterwards. */
  state: Int16Array;
  /** [2U] int16: r ⊙ h, then the new h. */
  scratch: Int16Array;
}

/** The GRU layer, reset_after = false (spec §11). */
export function gruS8(p: GruS8Params): void {
  const { x, t, nIn, units: u, w, r, bias, sx, sr, preDec, hardSigmoid, tanhTable } = p;
  const { sigmoidTable, outShift, returnSequences, y, state: h, scratch } = p;
  const rh = scratch.subarray(0, u);
  const hn = scratch.subarray(u, 2 * u);
  const gate = (pre: number) =>
    hardSigmoid ? hardSigmoidQ15(pre, preDec) : lut(sigmoidTable!, pre, preDec);
  /** Pre-activation of gate g, unit j, at dec Pg; `v` is h or r ⊙ h (Q0.15). */
  const pre = (xo: number, g: number, j: number, v: Int16Array) => {
    const row = g * u + j;
    let ax = bias[row];
    const wo = row * nIn;
    for (let i = 0; i < nIn; i++) ax += x[xo + i] * w[wo + i]; // ≤ 2^29 + N_in·2^14 ≤ 2^30
    let ah = 0;
    const ro = row * u;
    for (let i = 0; i < u; i++) ah += v[i] * r[ro + i]; // ≤ U·2^15·2^7 ≤ 2^29 (U ≤ 128)
    return rshift(ax, sx[row]) + rshift(ah, sr[row]); // ≤ 2^30 + 2^29 < 2^31
  };
  h.fill(0);
  for (let step = 0; step < t; step++) {
    const xo = step * nIn;
    for (let j = 0; j < u; j++) {
      const rj = gate(pre(xo, 1, j, h));
      rh[j] = rshift(rj * h[j], 15); // |r·h| ≤ 2^15 · 2^15 = 2^30
    }
    for (let j = 0; j < u; j++) {
      const z = gate(pre(xo, 0, j, h));
      const candidate = lut(tanhTable, pre(xo, 2, j, rh), preDec);
      // Convex combination: |z·h + (32768 − z)·ĥ| ≤ 2^30, result ∈ [−32768, 32767].
      hn[j] = rshift(z * h[j] + (32768 - z) * candidate, 15);
    }
    h.set(hn);
    if (returnSequences) {
      for (let j = 0; j < u; j++) y[step * u + j] = sat8(rshift(h[j], outShift));
    }
  }
  if (!returnSequences) { for (let j = 0; j < u; j++) y[j] = sat8(rshift(h[j], outShift)); }
}
