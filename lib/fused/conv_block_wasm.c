/*
 * The loops of the fused Conv1D → BatchNorm → ReLU → MaxPool block (lib/fused/conv_block_wasm.ts)
 * in WebAssembly SIMD. The math is in lib/fused/conv_block_kernels.ts, the plain reference.
 *
 * Layout: batch innermost. Every activation is a matrix [rows, Bp] row-major, Bp = the batch
 * rounded up to a multiple of 4, so every inner loop runs over Bp contiguous floats, 4 lanes at
 * a time, whatever the filter count (4–8) or the window (K·C = 5–48):
 *
 *   xT     [Lp·C, Bp]   input, zero padded: row (l + padLeft)·C + c holds x[·, l, c]
 *   z, x̂   [T·F, Bp]    row t·F + f; the window of conv position t is rows t·S·C … + K·C − 1
 *                       of xT, in the order of the kernel's rows (k·C + c)
 *   y, dy  [P·F, Bp]    row p·F + f
 *   argmax [P·F, Bp]    int32: which of the window's `pool` positions won, −1 if ReLU'd to 0
 *
 * Lanes b ≥ B (padding) hold zeros in xT and dy and are left out of every sum over the batch.
 * Weights: w [K·C, F] (tfjs' [K, C, F]). Pointers are byte offsets into the imported memory;
 * lib/fused/conv_block_wasm.ts allocates every array.
 *
 * A training step calls, per block: transpose (x in), conv_forward_sums (or conv_forward and
 * sums_f32), sums_f32 (the variance), normalize_pool, transpose (y out); then transpose (dy
 * in), backward_sums, backward_sweep, transpose (dx out). Inference: transpose,
 * forward_inference, transpose.
 *
 * Sums: the batch statistics follow the wasm backend's Mean exactly (float32, one position
 * after the other: conv_forward_sums, sums_f32) or sum in float64 (stats_f64, as the cpu
 * backend). Gradient sums run in float32 over the Bp lanes of one row (reassociated into SIMD
 * lanes, as -ffast-math allows) and in float64 from row to row.
 *
 * Build (into build/wasm/conv_block.wasm): deno task build:wasm
 */
#include <wasm_simd128.h>

typedef v128_t f32x4;

/* clang lowers zeroing loops to memset; -nostdlib leaves it to us (clang does not turn this
 * one's loop into a call to itself). */
void *memset(void *dst, int c, unsigned long n) {
  unsigned char *d = dst;
  for (unsigned long i = 0; i < n; i++) d[i] = (unsigned char)c;
  return dst;
}

extern unsigned char __heap_base;

/* Where the module's own data ends: lib/fused/conv_block_wasm.ts allocates above it. */
__attribute__((export_name("heap_base")))
int heap_base(void) {
  return (int)&__heap_base;
}

static inline f32x4 load(const float *p) { return wasm_v128_load(p); }
static inline void store(float *p, f32x4 v) { wasm_v128_store(p, v); }
static inline f32x4 splat(float v) { return wasm_f32x4_splat(v); }
static inline f32x4 add(f32x4 a, f32x4 b) { return wasm_f32x4_add(a, b); }
static inline f32x4 mul(f32x4 a, f32x4 b) { return wasm_f32x4_mul(a, b); }

static inline float hsum(f32x4 v) {
  v = add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

/* Σ_b a[b]·c[b] over n floats (n a multiple of 4), in float32 lanes: four independent
 * accumulators, so that the additions' latency does not bound the loop. */
static inline float dot(const float *a, const float *c, int n) {
  f32x4 s0 = splat(0), s1 = s0, s2 = s0, s3 = s0;
  int b = 0;
  for (; b + 16 <= n; b += 16) {
    s0 = add(s0, mul(load(a + b), load(c + b)));
    s1 = add(s1, mul(load(a + b + 4), load(c + b + 4)));
    s2 = add(s2, mul(load(a + b + 8), load(c + b + 8)));
    s3 = add(s3, mul(load(a + b + 12), load(c + b + 12)));
  }
  for (; b < n; b += 4) s0 = add(s0, mul(load(a + b), load(c + b)));
  return hsum(add(add(s0, s1), add(s2, s3)));
}

/* Σ_b a[b] over n floats (n a multiple of 4), as dot(). */
static inline float sum(const float *a, int n) {
  f32x4 s0 = splat(0), s1 = s0, s2 = s0, s3 = s0;
  int b = 0;
  for (; b + 16 <= n; b += 16) {
    s0 = add(s0, load(a + b));
    s1 = add(s1, load(a + b + 4));
    s2 = add(s2, load(a + b + 8));
    s3 = add(s3, load(a + b + 12));
  }
  for (; b < n; b += 4) s0 = add(s0, load(a + b));
  return hsum(add(add(s0, s1), add(s2, s3)));
}

/* The 4 × 4 block rows r0…r3 → columns c0…c3 (c_k = lane k of each row). */
static inline void transpose4(f32x4 r0, f32x4 r1, f32x4 r2, f32x4 r3, f32x4 *c) {
  const f32x4 t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
  const f32x4 t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const f32x4 t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
  const f32x4 t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  c[0] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  c[1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  c[2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  c[3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

/*
 * out[j·ldo + i] = in[i·ldi + j] for i < rows, j < cols: the transpose of a rows × cols block,
 * and out[j·ldo + i] = 0 for rows ≤ i < width (the padding lanes). [B, n] → [n, Bp] (ldo =
 * width = Bp) and back (ldi = Bp, width = B). In 4 × 4 blocks through SIMD shuffles, 16 rows
 * at a time so that each output row gets a whole cache line; scalar at the edges.
 */
__attribute__((export_name("transpose")))
void transpose(float *out, const float *in, int rows, int cols, int ldi, int ldo, int width) {
  const int rows4 = rows & ~3, cols4 = cols & ~3;
  for (int i1 = 0; i1 < rows4; i1 += 16) {
    const int i2 = i1 + 16 < rows4 ? i1 + 16 : rows4;
    for (int j = 0; j < cols4; j += 4) {
      for (int i = i1; i < i2; i += 4) {
        const float *p = in + i * ldi + j;
        f32x4 c[4];
        transpose4(load(p), load(p + ldi), load(p + 2 * ldi), load(p + 3 * ldi), c);
        float *o = out + j * ldo + i;
        store(o, c[0]);
        store(o + ldo, c[1]);
        store(o + 2 * ldo, c[2]);
        store(o + 3 * ldo, c[3]);
      }
    }
  }
  for (int i = 0; i < rows; i++) {
    for (int j = i < rows4 ? cols4 : 0; j < cols; j++) out[j * ldo + i] = in[i * ldi + j];
  }
  for (int j = 0; j < cols; j++) {
    for (int i = rows; i < width; i++) out[j * ldo + i] = 0;
  }
}

/* ---------------------------------------------------------------------------------------
 * Forward */

/*
 * z[t·F + f, ·] = bias[f] + Σ_j w[j·F + f] · xT[t·step + j, ·]      for t < T, f < F, j < KC
 * step = S·C rows. Sixteen lanes per block: four accumulators, each weight loaded once.
 */
__attribute__((export_name("conv_forward")))
void conv_forward(float *z, const float *xT, const float *w, const float *bias, int T, int KC,
                  int F, int step, int Bp) {
  for (int t = 0; t < T; t++) {
    const float *x = xT + t * step * Bp;
    float *zt = z + t * F * Bp;
    int b = 0;
    for (; b + 16 <= Bp; b += 16) {
      for (int f = 0; f < F; f++) {
        f32x4 a0 = splat(bias[f]), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < KC; j++) {
          const f32x4 c = splat(w[j * F + f]);
          const float *xj = x + j * Bp + b;
          a0 = add(a0, mul(c, load(xj)));
          a1 = add(a1, mul(c, load(xj + 4)));
          a2 = add(a2, mul(c, load(xj + 8)));
          a3 = add(a3, mul(c, load(xj + 12)));
        }
        float *o = zt + f * Bp + b;
        store(o, a0);
        store(o + 4, a1);
        store(o + 8, a2);
        store(o + 12, a3);
      }
    }
    for (; b < Bp; b += 4) {
      for (int f = 0; f < F; f++) {
        f32x4 a = splat(bias[f]);
        for (int j = 0; j < KC; j++) a = add(a, mul(splat(w[j * F + f]), load(x + j * Bp + b)));
        store(zt + f * Bp + b, a);
      }
    }
  }
}

/*
 * The training convolution with the batch mean's sums on the way, for F ≤ 8 (FILTERS, a
 * constant in each copy): conv_forward's z, four lanes (one batch slice) at a time over all
 * t, and out[f] = Σ z as sums_f32 (mean = 0) sums it. That sum is a chain of dependent
 * additions, lane after lane, too slow to hide on its own; here each slice's values are
 * transposed into `scratch` [2][4, T, 8] while the next slice's convolution runs, and the
 * chain walks the previous slice four positions per conv position, in the shadow of the
 * multiply-adds. Reassociation is off: the sums' order is the point.
 */
static inline __attribute__((always_inline)) void conv_sum(
    const int FILTERS, float *z, float *out, float *scratch, const float *xT, const float *w,
    const float *bias, int T, int KC, int step, int Bp, int B) {
#pragma clang fp reassociate(off)
  const int F = FILTERS;
  float *cur = scratch, *prev = scratch + 4 * T * 8;
  const float *chain = prev, *chainEnd = prev;
  f32x4 s0 = splat(0), s1 = splat(0);
  for (int b0 = 0; b0 < Bp; b0 += 4) {
    for (int t = 0; t < T; t++) {
      const float *x = xT + t * step * Bp + b0;
      f32x4 a[8];
      for (int f = 0; f < 8; f++) a[f] = f < F ? splat(bias[f]) : splat(0);
      for (int j = 0; j < KC; j++) {
        const f32x4 xj = load(x + j * Bp);
        for (int f = 0; f < F; f++) {
          a[f] = add(a[f], mul(wasm_v128_load32_splat(w + j * F + f), xj));
        }
      }
      for (int f = 0; f < F; f++) store(z + (t * F + f) * Bp + b0, a[f]);
      f32x4 c[4];
      transpose4(a[0], a[1], a[2], a[3], c);
      for (int k = 0; k < 4; k++) store(cur + (k * T + t) * 8, c[k]);
      if (F > 4) {
        transpose4(a[4], a[5], a[6], a[7], c);
        for (int k = 0; k < 4; k++) store(cur + (k * T + t) * 8 + 4, c[k]);
      }
      for (int r = 0; r < 4 && chain < chainEnd; r++, chain += 8) {
        s0 = add(s0, load(chain));
        if (F > 4) s1 = add(s1, load(chain + 4));
      }
    }
    for (; chain < chainEnd; chain += 8) { /* T < 4 positions: the rest of the chain */
      s0 = add(s0, load(chain));
      if (F > 4) s1 = add(s1, load(chain + 4));
    }
    float *swap = prev;
    prev = cur;
    cur = swap;
    const int lanes = B - b0 < 4 ? B - b0 : 4;
    chain = prev;
    chainEnd = prev + (lanes > 0 ? lanes : 0) * T * 8;
  }
  for (; chain < chainEnd; chain += 8) {
    s0 = add(s0, load(chain));
    if (F > 4) s1 = add(s1, load(chain + 4));
  }
  float lane[8];
  store(lane, s0);
  store(lane + 4, s1);
  for (int f = 0; f < F; f++) out[f] = lane[f];
}

__attribute__((export_name("conv_forward_sums")))
void conv_forward_sums(float *z, float *out, float *scratch, const float *xT, const float *w,
                       const float *bias, int T, int KC, int F, int step, int Bp, int B) {
  switch (F) {
    case 1: conv_sum(1, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
    case 2: conv_sum(2, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
    case 3: conv_sum(3, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
    case 4: conv_sum(4, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
    case 5: conv_sum(5, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
    case 6: conv_sum(6, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
    case 7: conv_sum(7, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
    case 8: conv_sum(8, z, out, scratch, xT, w, bias, T, KC, step, Bp, B); break;
  }
}

/* Row f0 + i of z at time t, lanes b0 … b0 + 3; zeros past the last filter. */
static inline f32x4 filter_row(const float *z, int t, int f0, int i, int F, int Bp, int b0) {
  return f0 + i < F ? load(z + (t * F + f0 + i) * Bp + b0) : splat(0);
}

/*
 * Per filter f, out[f] = Σ z[t·F + f, b] (mean = 0) or Σ (z[t·F + f, b] − mean[f])² over
 * b < B, t < T, in float32 and in the order of the wasm backend's [B, T, F] tensor (b, then
 * t): its Mean kernel's sums, which drift (at 256 × 625 positions the variance comes out some
 * 3e-5 low), so matching the stock graph within 1e-5 means drifting with it. Reassociation
 * is off here: the order is the point. The caller divides by the count (in JavaScript: a
 * correctly rounded division, which -ffast-math would make a multiplication).
 *
 * Each filter's sum is one chain of B·T dependent additions, so eight filters run side by
 * side, one per SIMD lane: each 4-lane slice of the batch is first transposed into `scratch`
 * [4, T, 8], where each lane's positions follow one another.
 */
__attribute__((export_name("sums_f32")))
void sums_f32(float *out, const float *z, const float *mean, float *scratch, int T, int F,
              int Bp, int B) {
#pragma clang fp reassociate(off)
  for (int f0 = 0; f0 < F; f0 += 8) {
    const int two = f0 + 4 < F;
    float shift[8] = {0};
    for (int i = 0; mean && i < 8 && f0 + i < F; i++) shift[i] = mean[f0 + i];
    const f32x4 m0 = load(shift), m1 = load(shift + 4);
    f32x4 s0 = splat(0), s1 = splat(0);
    for (int b0 = 0; b0 < B; b0 += 4) {
      for (int t = 0; t < T; t++) {
        f32x4 c[4];
        transpose4(filter_row(z, t, f0, 0, F, Bp, b0), filter_row(z, t, f0, 1, F, Bp, b0),
                   filter_row(z, t, f0, 2, F, Bp, b0), filter_row(z, t, f0, 3, F, Bp, b0), c);
        for (int k = 0; k < 4; k++) store(scratch + (k * T + t) * 8, c[k]);
        if (two) {
          transpose4(filter_row(z, t, f0, 4, F, Bp, b0), filter_row(z, t, f0, 5, F, Bp, b0),
                     filter_row(z, t, f0, 6, F, Bp, b0), filter_row(z, t, f0, 7, F, Bp, b0), c);
          for (int k = 0; k < 4; k++) store(scratch + (k * T + t) * 8 + 4, c[k]);
        }
      }
      const int lanes = B - b0 < 4 ? B - b0 : 4;
      const float *q = scratch, *end = scratch + lanes * T * 8;
      if (mean && two) {
        for (; q < end; q += 8) {
          const f32x4 d0 = wasm_f32x4_sub(load(q), m0), d1 = wasm_f32x4_sub(load(q + 4), m1);
          s0 = add(s0, mul(d0, d0));
          s1 = add(s1, mul(d1, d1));
        }
      } else if (mean) {
        for (; q < end; q += 8) {
          const f32x4 d0 = wasm_f32x4_sub(load(q), m0);
          s0 = add(s0, mul(d0, d0));
        }
      } else if (two) {
        for (; q < end; q += 8) {
          s0 = add(s0, load(q));
          s1 = add(s1, load(q + 4));
        }
      } else {
        for (; q < end; q += 8) s0 = add(s0, load(q));
      }
    }
    float lane[8];
    store(lane, s0);
    store(lane + 4, s1);
    for (int i = 0; i < 8 && f0 + i < F; i++) out[f0 + i] = lane[i];
  }
}

/*
 * The batch mean and biased variance of z [T·F, Bp] per filter over b < B, t < T, summed in
 * float64 (as the cpu backend sums): the mean first, then the squared deviations from it.
 */
__attribute__((export_name("stats_f64")))
void stats_f64(float *mean, float *variance, const float *z, int T, int F, int Bp, int B) {
  const double n = (double)B * T;
  for (int f = 0; f < F; f++) {
    double s = 0;
    for (int t = 0; t < T; t++) {
      const float *q = z + (t * F + f) * Bp;
      for (int b = 0; b < B; b++) s += q[b];
    }
    const double m = s / n;
    double v = 0;
    for (int t = 0; t < T; t++) {
      const float *q = z + (t * F + f) * Bp;
      for (int b = 0; b < B; b++) {
        const double d = q[b] - m;
        v += d * d;
      }
    }
    mean[f] = (float)m;
    variance[f] = (float)(v / n);
  }
}

/*
 * In place x̂ = (z − mean)·rstd for every row; then for each window p < P and filter f the
 * largest v = γ·x̂ + β of the `pool` positions p·pool + i: y = v if v > 0, else 0; argmax = i
 * if v > 0, else −1. Of equal maxima the last wins if `last_max_wins` (the wasm backend's
 * MaxPoolGrad), else the first (the cpu backend's). Rows t ≥ P·pool are only normalized.
 */
__attribute__((export_name("normalize_pool")))
void normalize_pool(float *z, float *y, int *argmax, const float *mean, const float *rstd,
                    const float *gamma, const float *beta, int T, int F, int Bp, int pool,
                    int P, int last_max_wins) {
  const f32x4 zero = splat(0);
  const v128_t none = wasm_i32x4_splat(-1);
  for (int p = 0; p < P; p++) {
    for (int f = 0; f < F; f++) {
      const f32x4 m = splat(mean[f]), r = splat(rstd[f]), g = splat(gamma[f]);
      const f32x4 e = splat(beta[f]);
      float *zf = z + (p * pool * F + f) * Bp;
      float *yo = y + (p * F + f) * Bp;
      int *ao = argmax + (p * F + f) * Bp;
      for (int b = 0; b < Bp; b += 4) {
        f32x4 h = mul(wasm_f32x4_sub(load(zf + b), m), r);
        store(zf + b, h);
        f32x4 best = add(mul(g, h), e);
        v128_t at = wasm_i32x4_splat(0);
        for (int i = 1; i < pool; i++) {
          float *zi = zf + i * F * Bp + b;
          h = mul(wasm_f32x4_sub(load(zi), m), r);
          store(zi, h);
          const f32x4 v = add(mul(g, h), e);
          const v128_t wins = last_max_wins ? wasm_f32x4_ge(v, best) : wasm_f32x4_gt(v, best);
          best = wasm_v128_bitselect(v, best, wins);
          at = wasm_v128_bitselect(wasm_i32x4_splat(i), at, wins);
        }
        const v128_t positive = wasm_f32x4_gt(best, zero);
        store(yo + b, wasm_v128_and(best, positive));
        wasm_v128_store(ao + b, wasm_v128_bitselect(at, none, positive));
      }
    }
  }
  for (int t = P * pool; t < T; t++) {
    for (int f = 0; f < F; f++) {
      const f32x4 m = splat(mean[f]), r = splat(rstd[f]);
      float *zf = z + (t * F + f) * Bp;
      for (int b = 0; b < Bp; b += 4) store(zf + b, mul(wasm_f32x4_sub(load(zf + b), m), r));
    }
  }
}

/*
 * Inference without a gradient: y [P·F, Bp] = max over each window of relu(v), v = Σ_j
 * w[j·F + f] · xT[t·step + j, ·] + bias[f], where the caller has folded the normalization into
 * w and bias (w·γ·rstd, (bias − mean)·γ·rstd + β). Convolution and pooling in registers,
 * nothing else stored; sixteen lanes at a time (four independent accumulators), then four.
 */
__attribute__((export_name("forward_inference")))
void forward_inference(float *y, const float *xT, const float *w, const float *bias, int KC, int F,
                       int step, int pool, int P, int Bp) {
  for (int p = 0; p < P; p++) {
    for (int f = 0; f < F; f++) {
      const f32x4 c0 = splat(bias[f]);
      float *o = y + (p * F + f) * Bp;
      int b = 0;
      for (; b + 16 <= Bp; b += 16) {
        f32x4 y0 = splat(0), y1 = y0, y2 = y0, y3 = y0; /* max(0, ·): the ReLU */
        for (int i = 0; i < pool; i++) {
          const float *x = xT + (p * pool + i) * step * Bp + b;
          f32x4 a0 = c0, a1 = c0, a2 = c0, a3 = c0;
          for (int j = 0; j < KC; j++) {
            const f32x4 c = wasm_v128_load32_splat(w + j * F + f);
            const float *xj = x + j * Bp;
            a0 = add(a0, mul(c, load(xj)));
            a1 = add(a1, mul(c, load(xj + 4)));
            a2 = add(a2, mul(c, load(xj + 8)));
            a3 = add(a3, mul(c, load(xj + 12)));
          }
          y0 = wasm_f32x4_max(y0, a0);
          y1 = wasm_f32x4_max(y1, a1);
          y2 = wasm_f32x4_max(y2, a2);
          y3 = wasm_f32x4_max(y3, a3);
        }
        store(o + b, y0);
        store(o + b + 4, y1);
        store(o + b + 8, y2);
        store(o + b + 12, y3);
      }
      for (; b < Bp; b += 4) {
        f32x4 y0 = splat(0);
        for (int i = 0; i < pool; i++) {
          const float *x = xT + (p * pool + i) * step * Bp + b;
          f32x4 a0 = c0;
          for (int j = 0; j < KC; j++) {
            a0 = add(a0, mul(wasm_v128_load32_splat(w + j * F + f), load(x + j * Bp)));
          }
          y0 = wasm_f32x4_max(y0, a0);
        }
        store(o + b, y0);
      }
    }
  }
}

/* ---------------------------------------------------------------------------------------
 * Backward */

/* The window winners' gradient at position i of window row `a` (dy where argmax = i, else 0). */
static inline f32x4 routed(const float *dy, const int *a, int i) {
  return wasm_v128_and(load(dy), wasm_i32x4_eq(wasm_v128_load(a), wasm_i32x4_splat(i)));
}

/*
 * dβ[f] += Σ g,  dγ[f] += Σ g·x̂, with g = dy routed to the window winners. dy's padding lanes
 * are zero, so they add nothing.
 */
__attribute__((export_name("backward_sums")))
void backward_sums(double *dbeta, double *dgamma, const float *xhat, const int *argmax,
                   const float *dy, int F, int Bp, int pool, int P) {
  for (int p = 0; p < P; p++) {
    for (int f = 0; f < F; f++) {
      const int at = (p * F + f) * Bp;
      f32x4 sb0 = splat(0), sb1 = sb0, sg0 = sb0, sg1 = sb0;
      for (int i = 0; i < pool; i++) {
        const float *h = xhat + ((p * pool + i) * F + f) * Bp;
        int b = 0;
        for (; b + 8 <= Bp; b += 8) {
          const f32x4 g0 = routed(dy + at + b, argmax + at + b, i);
          const f32x4 g1 = routed(dy + at + b + 4, argmax + at + b + 4, i);
          sb0 = add(sb0, g0);
          sb1 = add(sb1, g1);
          sg0 = add(sg0, mul(g0, load(h + b)));
          sg1 = add(sg1, mul(g1, load(h + b + 4)));
        }
        if (b < Bp) {
          const f32x4 g0 = routed(dy + at + b, argmax + at + b, i);
          sb0 = add(sb0, g0);
          sg0 = add(sg0, mul(g0, load(h + b)));
        }
      }
      dbeta[f] += hsum(add(sb0, sb1));
      dgamma[f] += hsum(add(sg0, sg1));
    }
  }
}

/*
 * The backward sweep over conv positions t < T. Per position, dz [F, Bp] (scratch):
 *   dz = bc + cc·x̂ + (t is the winner ? a·dy : 0)     (dense: training mode)
 *   dz = a·dy at the winners, 0 elsewhere              (not dense: inference mode)
 * with lanes b ≥ B set to 0; then
 *   dbias[f] += Σ_b dz[f, b]
 *   dW[j·F + f] += Σ_b dz[f, b] · xT[t·step + j, b]                       (if dW)
 *   dxT[t·step + j, b] += Σ_f w[j·F + f] · dz[f, b]                       (if dxT)
 */
__attribute__((export_name("backward_sweep")))
void backward_sweep(double *dW, double *dbias, float *dxT, float *dz, const float *xT,
                    const float *w, const float *xhat, const int *argmax, const float *dy,
                    const float *a, const float *bc, const float *cc, int T, int KC, int F,
                    int step, int pool, int P, int Bp, int B, int dense) {
  for (int t = 0; t < T; t++) {
    const int p = t / pool, i = t - p * pool;
    for (int f = 0; f < F; f++) {
      float *d = dz + f * Bp;
      const float *h = xhat + (t * F + f) * Bp;
      const f32x4 av = splat(a[f]), bv = splat(bc[f]), cv = splat(cc[f]);
      const f32x4 base = dense ? bv : splat(0), slope = dense ? cv : splat(0);
      if (p < P) {
        const int at = (p * F + f) * Bp;
        for (int b = 0; b < Bp; b += 4) {
          const f32x4 g = routed(dy + at + b, argmax + at + b, i);
          store(d + b, add(add(base, mul(slope, load(h + b))), mul(av, g)));
        }
      } else {
        for (int b = 0; b < Bp; b += 4) store(d + b, add(base, mul(slope, load(h + b))));
      }
      for (int b = B; b < Bp; b++) d[b] = 0;
      dbias[f] += sum(d, Bp);
    }
    const float *x = xT + t * step * Bp;
    if (dW) {
      for (int j = 0; j < KC; j++) {
        for (int f = 0; f < F; f++) dW[j * F + f] += dot(dz + f * Bp, x + j * Bp, Bp);
      }
    }
    if (dxT) {
      float *dx = dxT + t * step * Bp;
      for (int j = 0; j < KC; j++) {
        float *o = dx + j * Bp;
        int b = 0;
        for (; b + 16 <= Bp; b += 16) {
          f32x4 a0 = load(o + b), a1 = load(o + b + 4), a2 = load(o + b + 8);
          f32x4 a3 = load(o + b + 12);
          for (int f = 0; f < F; f++) {
            const f32x4 c = splat(w[j * F + f]);
            const float *d = dz + f * Bp + b;
            a0 = add(a0, mul(c, load(d)));
            a1 = add(a1, mul(c, load(d + 4)));
            a2 = add(a2, mul(c, load(d + 8)));
            a3 = add(a3, mul(c, load(d + 12)));
          }
          store(o + b, a0);
          store(o + b + 4, a1);
          store(o + b + 8, a2);
          store(o + b + 12, a3);
        }
        for (; b < Bp; b += 4) {
          f32x4 a0 = load(o + b);
          for (int f = 0; f < F; f++) a0 = add(a0, mul(splat(w[j * F + f]), load(dz + f * Bp + b)));
          store(o + b, a0);
        }
      }
    }
  }
}
