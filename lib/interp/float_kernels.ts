/**
 * Float reference kernels (float64 arithmetic), the same ops and layouts as the int8 kernels,
 * computing what tfjs computes: conv1d with TensorFlow's padding and fused ReLU/max-pool,
 * dense, and the reset_after = false GRU with tfjs' hard-sigmoid.
 */

/** Logistic sigmoid. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** tfjs' hard_sigmoid: clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y < 0 ? 0 : y > 1 ? 1 : y;
}

/** conv1d [T_in, C_in] → [T_out, C_out] with fused ReLU and max-pool (window = stride = pool). */
export function conv1dF(
  x: Float64Array,
  tIn: number,
  cIn: number,
  w: Float64Array,
  bias: Float64Array,
  cOut: number,
  k: number,
  stride: number,
  padBefore: number,
  tOut: number,
  pool: number,
  relu: boolean,
): Float64Array {
  const y = new Float64Array(tOut * cOut);
  for (let to = 0; to < tOut; to++) {
    for (let c = 0; c < cOut; c++) {
      let m = -Infinity;
      for (let j = 0; j < pool; j++) {
        const start = (to * pool + j) * stride - padBefore;
        let acc = bias[c];
        for (let kk = 0; kk < k; kk++) {
          const ti = start + kk;
          if (ti < 0 || ti >= tIn) continue;
          for (let ci = 0; ci < cIn; ci++) acc += x[ti * cIn + ci] * w[(c * k + kk) * cIn + ci];
        }
        if (relu && acc < 0) acc = 0;
        if (acc > m) m = acc;
      }
      y[to * cOut + c] = m;
    }
  }
  return y;
}

/** maxpool1d 'valid' over [T_in, C]. */
export function maxpool1dF(
  x: Float64Array,
  c: number,
  pool: number,
  stride: number,
  tOut: number,
): Float64Array {
  const y = new Float64Array(tOut * c);
  for (let to = 0; to < tOut; to++) {
    for (let ch = 0; ch < c; ch++) {
      let m = -Infinity;
      for (let j = 0; j < pool; j++) m = Math.max(m, x[(to * stride + j) * c + ch]);
      y[to * c + ch] = m;
    }
  }
  return y;
}

/** Concatenation along channels of [T, C_k] inputs. */
export function concatF(inputs: Float64Array[], channels: number[], t: number): Float64Array {
  const cy = channels.reduce((a, b) => a + b, 0);
  const y = new Float64Array(t * cy);
  let offset = 0;
  for (let k = 0; k < inputs.length; k++) {
    for (let tt = 0; tt < t; tt++) {
      for (let c = 0; c < channels[k]; c++) {
        y[tt * cy + offset + c] = inputs[k][tt * channels[k] + c];
      }
    }
    offset += channels[k];
  }
  return y;
}

/** dense [N_in] → [N_out], weights [N_out, N_in]. */
export function denseF(
  x: Float64Array,
  w: Float64Array,
  bias: Float64Array,
  nOut: number,
  activation: string,
): Float64Array {
  const nIn = x.length;
  const y = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let acc = bias[o];
    for (let i = 0; i < nIn; i++) acc += x[i] * w[o * nIn + i];
    y[o] = activation === "relu" ? Math.max(acc, 0) : activation === "sigmoid" ? sigmoid(acc) : acc;
  }
  return y;
}

/**
 * GRU, reset_after = false, as tfjs computes it: gates z, r, h; kernel [3, U, N_in],
 * recurrent [3, U, U], bias [3, U]; returns [T, U] (returnSequences) or [U].
 */
export function gruF(
  x: Float64Array,
  t: number,
  nIn: number,
  units: number,
  w: Float64Array,
  r: Float64Array,
  bias: Float64Array,
  recurrentActivation: (v: number) => number,
  returnSequences: boolean,
): Float64Array {
  const u = units;
  const y = new Float64Array(returnSequences ? t * u : u);
  let h = new Float64Array(u);
  const rh = new Float64Array(u);
  const pre = (xo: number, g: number, j: number, v: Float64Array) => {
    const row = g * u + j;
    let acc = bias[row];
    for (let i = 0; i < nIn; i++) acc += x[xo + i] * w[row * nIn + i];
    for (let i = 0; i < u; i++) acc += v[i] * r[row * u + i];
    return acc;
  };
  for (let step = 0; step < t; step++) {
    const xo = step * nIn;
    for (let j = 0; j < u; j++) rh[j] = recurrentActivation(pre(xo, 1, j, h)) * h[j];
    const hn = new Float64Array(u);
    for (let j = 0; j < u; j++) {
      const z = recurrentActivation(pre(xo, 0, j, h));
      hn[j] = z * h[j] + (1 - z) * Math.tanh(pre(xo, 2, j, rh));
    }
    h = hn;
    if (returnSequences) y.set(h, step * u);
  }
  if (!returnSequences) y.set(h);
  return y;
}
