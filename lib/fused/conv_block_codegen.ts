/**
 * Specialized versions of the block's loops (the convolution, normalize + pool, the wasm-style
 * float32 batch statistics, and the backward sweep), generated as JavaScript for one shape
 * (K·C, F, step, pool) so that weights, accumulators and window samples are local variables
 * and the inner loops are unrolled: the plain loops (conv_block_phases.ts,
 * conv_block_kernels.ts) spend most of their time on loop overhead when K·C is 5 and F is 8.
 * Each generated loop performs the same floating-point operations in the same order as the
 * plain one, so the results are bitwise equal (tests/fused_conv_block_test.ts holds them so).
 *
 * Generated once per shape and cached. `new Function` sees only numbers from the shape.
 */

/**
 * z[(b·T + t)·F + f] = bias[f] + Σ_j wT[f·KC + j] · xPadded[b·xRow + t·step + j], float32 out
 * (generated loops have `step` built in and ignore the argument); sums[f] += z, sums[F + f]
 * += z², in (b, t) order.
 */
export type ConvForwardLoop = (
  xPadded: Float32Array,
  weightsT: Float64Array,
  bias: Float32Array,
  z: Float32Array,
  batch: number,
  outLength: number,
  xRow: number,
  step: number,
  sums: Float64Array,
) => void;

/**
 * In place x̂ = fround((z − mean)·rstd); for each pool window and filter, y = the largest
 * fround(γ·x̂ + β) if > 0 (argmax = its conv position, the last of equal ones if
 * `lastMaxWins`, else the first), otherwise y = 0 and argmax = −1.
 */
export type NormalizePoolLoop = (
  z: Float32Array,
  mean: Float32Array,
  rstd: Float64Array,
  gamma: Float64Array,
  beta: Float32Array,
  y: Float32Array,
  argmax: Int32Array,
  sizes: { batch: number; outLength: number; pooled: number; pool: number; lastMaxWins: boolean },
) => void;

/**
 * For every (b, t): dz[f] = fround(bc[f] + cc[f]·x̂ + (winner ? a[f]·dy : 0)); then
 * dBias[f] += dz[f]; dWT[f·KC + j] += dz[f]·x[j] (if dWT); dxPadded[o + j] += Σ_f dz[f]·wT[f·KC + j]
 * (if dxPadded). Skips positions with no winner when `dense` is false (inference mode).
 */
export type BackwardLoop = (
  xPadded: Float32Array,
  weightsT: Float64Array,
  xHat: Float32Array,
  argmax: Int32Array,
  dy: Float32Array,
  a: Float64Array,
  bc: Float64Array,
  cc: Float64Array,
  dWT: Float64Array | null,
  dBias: Float64Array,
  dxPadded: Float32Array | null,
  sizes: {
    batch: number;
    outLength: number;
    pooled: number;
    pool: number;
    xRow: number;
    step: number;
  },
  dense: boolean,
) => void;

const forwardCache = new Map<string, ConvForwardLoop>();
const backwardCache = new Map<string, BackwardLoop>();
const normalizePoolCache = new Map<string, NormalizePoolLoop>();
const statisticsCache = new Map<number, StatisticsFloat32Loop>();

/**
 * tf.moments over all positions as the wasm backend computes it: float32 sums in position
 * order, mean = Σz / n, variance = Σ fround(fround(z − mean)²) / n, every step in float32.
 */
export type StatisticsFloat32Loop = (
  z: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
) => void;

/** The float32 statistics loop for `filters` channels. */
export function statisticsFloat32Loop(filters: number): StatisticsFloat32Loop {
  let loop = statisticsCache.get(filters);
  if (loop) return loop;
  const Fs = range(filters), F = filters;
  const body = [
    `const n = z.length / ${F};`,
    ...Fs.map((f) => `let s${f} = 0, q${f} = 0;`),
    `for (let i = 0; i < z.length; i += ${F}) {`,
    ...Fs.map((f) => `  s${f} = Math.fround(s${f} + z[i + ${f}]);`),
    "}",
    ...Fs.map((f) => `const m${f} = Math.fround(s${f} / n); mean[${f}] = m${f};`),
    `for (let i = 0; i < z.length; i += ${F}) {`,
    ...Fs.map((f) =>
      `  const d${f} = Math.fround(z[i + ${f}] - m${f}); q${f} = Math.fround(q${f} + Math.fround(d${f} * d${f}));`
    ),
    "}",
    ...Fs.map((f) => `variance[${f}] = q${f} / n;`),
  ];
  loop = new Function("z", "mean", "variance", body.join("\n")) as StatisticsFloat32Loop;
  statisticsCache.set(filters, loop);
  return loop;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The forward convolution loop for windows of `kc` samples, `filters` outputs, `step` apart. */
export function convForwardLoop(kc: number, filters: number, step: number): ConvForwardLoop {
  const key = `${kc},${filters},${step}`;
  let loop = forwardCache.get(key);
  if (loop) return loop;
  const J = range(kc), Fs = range(filters);
  const body = [
    ...Fs.flatMap((f) => J.map((j) => `const w${f}_${j} = wT[${f * kc + j}];`)),
    ...Fs.map((f) => `const b${f} = bias[${f}];`),
    ...Fs.map((f) => `let s${f} = 0, q${f} = 0;`),
    "let zo = 0;",
    "for (let b = 0; b < B; b++) {",
    "  let o = b * xRow;",
    `  for (let t = 0; t < T; t++, o += ${step}, zo += ${filters}) {`,
    ...J.map((j) => `    const x${j} = x[o + ${j}];`),
    ...Fs.flatMap((f) => [
      `    const z${f} = Math.fround(b${f}` + J.map((j) => ` + w${f}_${j} * x${j}`).join("") + ");",
      `    z[zo + ${f}] = z${f}; s${f} += z${f}; q${f} += z${f} * z${f};`,
    ]),
    "  }",
    "}",
    ...Fs.map((f) => `sums[${f}] += s${f}; sums[${filters + f}] += q${f};`),
  ];
  loop = new Function(
    "x",
    "wT",
    "bias",
    "z",
    "B",
    "T",
    "xRow",
    "step",
    "sums",
    body.join("\n"),
  ) as ConvForwardLoop;
  forwardCache.set(key, loop);
  return loop;
}

/** Normalization, ReLU and pooling for `filters` channels and windows of `pool`. */
export function normalizePoolLoop(
  filters: number,
  pool: number,
  lastMaxWins: boolean,
): NormalizePoolLoop {
  const key = `${filters},${pool},${lastMaxWins}`;
  let loop = normalizePoolCache.get(key);
  if (loop) return loop;
  const Fs = range(filters), F = filters;
  const wins = lastMaxWins ? ">=" : ">";
  const normalize = (f: number) => `z[zo + ${f}] = (z[zo + ${f}] - m${f}) * r${f};`;
  const body = [
    "const { batch: B, outLength: T, pooled: P } = sizes;",
    ...Fs.map((f) =>
      `const m${f} = mean[${f}], r${f} = rstd[${f}], g${f} = gamma[${f}], e${f} = beta[${f}];`
    ),
    "let zo = 0, yo = 0;",
    "for (let b = 0; b < B; b++) {",
    `  for (let q = 0; q < P; q++, yo += ${F}) {`,
    ...Fs.map((f) => `    let best${f} = -Infinity, at${f} = -1;`),
    `    for (let i = 0, t = q * ${pool}; i < ${pool}; i++, t++, zo += ${F}) {`,
    ...Fs.flatMap((f) => [
      `      const h${f} = Math.fround((z[zo + ${f}] - m${f}) * r${f}); z[zo + ${f}] = h${f};`,
      `      const v${f} = Math.fround(g${f} * h${f} + e${f});`,
      `      if (v${f} ${wins} best${f}) { best${f} = v${f}; at${f} = t; }`,
    ]),
    "    }",
    ...Fs.map((f) =>
      `    if (best${f} > 0) { y[yo + ${f}] = best${f}; argmax[yo + ${f}] = at${f}; } ` +
      `else { y[yo + ${f}] = 0; argmax[yo + ${f}] = -1; }`
    ),
    "  }",
    `  for (let t = P * ${pool}; t < T; t++, zo += ${F}) {`,
    ...Fs.map((f) => `    ${normalize(f)}`),
    "  }",
    "}",
  ];
  loop = new Function(
    "z",
    "mean",
    "rstd",
    "gamma",
    "beta",
    "y",
    "argmax",
    "sizes",
    body.join("\n"),
  ) as NormalizePoolLoop;
  normalizePoolCache.set(key, loop);
  return loop;
}

/** The backward sweep for windows of `kc` samples, `filters` outputs, `step` apart. */
export function backwardLoop(
  kc: number,
  filters: number,
  step: number,
  want: { params: boolean; input: boolean },
): BackwardLoop {
  const key = `${kc},${filters},${step},${want.params},${want.input}`;
  let loop = backwardCache.get(key);
  if (loop) return loop;
  const J = range(kc), Fs = range(filters), F = filters;
  // Up to 64 weights: locals (measured 1.4–2× faster than arrays for nnom's branches). More
  // (the mix block's 4 × 48): arrays, which spill less.
  const inRegisters = kc * filters <= 64;
  const dw = (f: number, j: number) => inRegisters ? `dw${f}_${j}` : `dWT[${f * kc + j}]`;
  const w = (f: number, j: number) => inRegisters ? `w${f}_${j}` : `wT[${f * kc + j}]`;
  const body = [
    "const { batch: B, outLength: T, pooled: P, pool, xRow } = sizes;",
    ...Fs.flatMap((f) => [
      `const a${f} = a[${f}], bc${f} = bc[${f}], cc${f} = cc[${f}];`,
      `let db${f} = 0;`,
    ]),
    ...(want.params && inRegisters ? Fs.flatMap((f) => J.map((j) => `let ${dw(f, j)} = 0;`)) : []),
    ...(want.input && inRegisters
      ? Fs.flatMap((f) => J.map((j) => `const ${w(f, j)} = wT[${f * kc + j}];`))
      : []),
    "for (let b = 0; b < B; b++) {",
    "  let o = b * xRow;",
    "  let q = 0, inWindow = 0;",
    `  for (let t = 0; t < T; t++, o += ${step}) {`,
    `    const zo = (b * T + t) * ${F};`,
    `    const win = q < P ? (b * P + q) * ${F} : -1;`,
    "    let any = dense;",
    ...Fs.flatMap((f) => [
      `    let d${f} = bc${f} + cc${f} * xHat[zo + ${f}];`,
      `    if (win >= 0 && argmax[win + ${f}] === t) { d${f} += a${f} * dy[win + ${f}]; any = true; }`,
    ]),
    "    if (++inWindow === pool) { inWindow = 0; q++; }",
    "    if (!any) continue;",
    ...Fs.map((f) => `    d${f} = Math.fround(d${f}); db${f} += d${f};`),
    ...(want.params
      ? [
        ...J.map((j) => `    const x${j} = x[o + ${j}];`),
        ...Fs.flatMap((f) => J.map((j) => `    ${dw(f, j)} += d${f} * x${j};`)),
      ]
      : []),
    ...(want.input
      ? J.map((j) => `    dx[o + ${j}] += ` + Fs.map((f) => `d${f} * ${w(f, j)}`).join(" + ") + ";")
      : []),
    "  }",
    "}",
    ...Fs.map((f) => `dBias[${f}] += db${f};`),
    ...(want.params && inRegisters
      ? Fs.flatMap((f) => J.map((j) => `dWT[${f * kc + j}] += ${dw(f, j)};`))
      : []),
  ];
  loop = new Function(
    "x",
    "wT",
    "xHat",
    "argmax",
    "dy",
    "a",
    "bc",
    "cc",
    "dWT",
    "dBias",
    "dx",
    "sizes",
    "dense",
    body.join("\n"),
  ) as BackwardLoop;
  backwardCache.set(key, loop);
  return loop;
}
