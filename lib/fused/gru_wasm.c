/*
 * The fused GRU over whole sequences in WebAssembly SIMD (lib/fused/gru_wasm.ts calls it):
 * one call runs the forward pass over every time step, one call runs backpropagation through
 * time, gates included. The math, and the plain reference kernels this is checked against,
 * are in lib/fused/gru.ts; gate order z, r, h in the weights' columns, G = 3U.
 *
 * Layout. The batch is cut into tiles of L = 4·NV sequences (the last tile zero-padded); a
 * tile's sequences are independent through time, so each tile runs its whole time loop with
 * its state in a few kilobytes, and every value is a row of L lanes: NV f32x4 vectors, one
 * lane per sequence. Tiled arrays are [tiles, T, rows, L]. Weights stay as tfjs holds them,
 * row-major W [I, G], R [U, G], b [G]; each weight is splatted once per tile and step and
 * used on all NV vectors.
 *
 * The tape (what the forward pass keeps for the backward one) lives in the module's memory,
 * where the caller placed it: x, h, y_z, y_r, c, tiled. y = 0.5 + 0.2·a is hard-sigmoid's
 * value before clipping: it gives both the gate, clip(y, 0, 1), and its derivative, open
 * where y ∈ [0, 1].
 *
 * No libc: tanh is a rational approximation fitted for this file (see tanh4). Pointers are
 * byte offsets into the imported memory; work areas are the caller's, sized by the
 * *_work_bytes companions.
 *
 * Build (into build/wasm/gru.wasm): deno task build:wasm (bash pipeline/setup.sh runs it)
 */
#include <wasm_simd128.h>

typedef float f4 __attribute__((vector_size(16)));
typedef int i4 __attribute__((vector_size(16)));

/*
 * A tile: L lanes held as NV vectors. 8 vectors (32 sequences) ran the forward pass 6 %
 * faster than 4 at nnom's shapes, the backward pass as fast; a batch pads to a multiple of 32.
 */
enum { NV = 8, L = 4 * NV };
/*
 * Weight-gradient partial sums are float32 per lane for this many steps (4·NV·32 terms), then
 * float64: error ≤ 1.1·10⁻⁶ relative at nnom's shapes and at 1000 steps (flushing every 8
 * steps cost 3 % more time for no gain in accuracy).
 */
enum { FLUSH_STEPS = 32 };

extern unsigned char __heap_base;

/* clang turns the zero-filling loops below into memset calls, which no libc provides here. */
__attribute__((no_builtin("memset")))
void *memset(void *dst, int value, unsigned long n) {
  unsigned char *d = dst;
  for (unsigned long i = 0; i < n; i++) d[i] = (unsigned char)value;
  return dst;
}

/* First byte past the module's own data and stack: where the caller's heap may start. */
__attribute__((export_name("heap_base")))
unsigned heap_base(void) { return (unsigned)&__heap_base; }

/* Sequences per tile (L). */
__attribute__((export_name("gru_tile_lanes")))
int gru_tile_lanes(void) { return L; }

/* ───────────────────────────── element-wise functions ───────────────────────────── */

static inline f4 splat(float v) { return (f4){v, v, v, v}; }

/* clip(y, 0, 1); NaN stays NaN (pmax(y, 0) = y < 0 ? 0 : y). */
static inline f4 clip01(f4 y) {
  return (f4)wasm_f32x4_pmin(wasm_f32x4_pmax((v128_t)y, (v128_t)splat(0)), (v128_t)splat(1));
}

/* hs'(a) / 0.2 as a lane mask: all ones where y ∈ [0, 1] (tfjs' clipByValue gradient). */
static inline i4 open(f4 y) { return (y >= 0) & (y <= 1); }

static inline f4 masked(i4 mask, f4 v) { return (f4)(mask & (i4)v); }

/*
 * tanh x ≈ x·P(x²) / Q(x²), P and Q of degree 4 with P(0) = Q(0) = 1, for |x| ≤ 9 (x is
 * clipped there: 1 − tanh 9 = 3·10⁻⁸, half an ulp of float32 below 1). The coefficients
 * were fitted for this file: least squares of (P − (tanh x / x)·Q) / Q over 20,000 points of
 * [0, 9], weighted toward the minimax of the relative error (Lawson's iteration): fit error
 * 2·10⁻⁸, and within 3.5·10⁻⁷ relative of Math.tanh as evaluated here in float32 (measured in
 * tests/fused_gru_test.ts). 21 arithmetic operations per 4 lanes; exp-based versions took
 * about 35 (a quarter of the forward pass's time went to tanh).
 */
static f4 tanh4(f4 x) {
  const f4 xc =
    (f4)wasm_f32x4_pmin(wasm_f32x4_pmax((v128_t)x, (v128_t)splat(-9)), (v128_t)splat(9));
  const f4 u = xc * xc;
  f4 p = splat(1.33572842e-08f);
  p = p * u + 2.06110308e-05f;
  p = p * u + 0.00349570881f;
  p = p * u + 0.13381128f;
  p = p * u + 1;
  f4 q = splat(7.77764853e-07f);
  q = q * u + 0.000328583061f;
  q = q * u + 0.0258774441f;
  q = q * u + 0.46714443f;
  q = q * u + 1;
  return xc * p / q;
}

/* out[i] = tanh(in[i]) for n a multiple of 4 (for tests of tanh4). */
__attribute__((export_name("tanh_array")))
void tanh_array(f4 *out, const f4 *in, int n) {
  for (int i = 0; i < n / 4; i++) out[i] = tanh4(in[i]);
}

/* ───────────────────────────── layout changes ───────────────────────────── */

/* The 4 × 4 transpose: row i of the result is lane i of a, b, c, d. */
static inline void transpose4(f4 *a, f4 *b, f4 *c, f4 *d) {
  const f4 ab_lo = __builtin_shufflevector(*a, *b, 0, 4, 1, 5);
  const f4 cd_lo = __builtin_shufflevector(*c, *d, 0, 4, 1, 5);
  const f4 ab_hi = __builtin_shufflevector(*a, *b, 2, 6, 3, 7);
  const f4 cd_hi = __builtin_shufflevector(*c, *d, 2, 6, 3, 7);
  *a = __builtin_shufflevector(ab_lo, cd_lo, 0, 1, 4, 5);
  *b = __builtin_shufflevector(ab_lo, cd_lo, 2, 3, 6, 7);
  *c = __builtin_shufflevector(ab_hi, cd_hi, 0, 1, 4, 5);
  *d = __builtin_shufflevector(ab_hi, cd_hi, 2, 3, 6, 7);
}

typedef float f4u __attribute__((vector_size(16), aligned(4))); /* a possibly unaligned f4 */

/*
 * One tile's block [R, L] ← the rows of its sequences: lane l's R values start at
 * src + l·stride, for the first `lanes` lanes; the lanes past them (past the batch) are zero.
 * Four sequences × four rows move as a 4 × 4 transpose, the rest element by element.
 */
static void block_from_rows(float *block, const float *src, int R, int stride, int lanes) {
  const int R4 = R / 4 * 4;
  for (int l = 0; l < L; l += 4) {
    const float *s = src + l * stride;
    float *d = block + l;
    const int full = l + 4 <= lanes;
    if (full) {
      for (int q = 0; q < R4; q += 4) {
        f4 v0 = *(const f4u *)(s + q), v1 = *(const f4u *)(s + stride + q);
        f4 v2 = *(const f4u *)(s + 2 * stride + q), v3 = *(const f4u *)(s + 3 * stride + q);
        transpose4(&v0, &v1, &v2, &v3);
        *(f4 *)(d + q * L) = v0, *(f4 *)(d + (q + 1) * L) = v1;
        *(f4 *)(d + (q + 2) * L) = v2, *(f4 *)(d + (q + 3) * L) = v3;
      }
    }
    for (int q = full ? R4 : 0; q < R; q++) {
      for (int i = 0; i < 4; i++) d[q * L + i] = l + i < lanes ? s[i * stride + q] : 0;
    }
  }
}

/* The rows of a tile's first `lanes` sequences ← its block [R, L] (block_from_rows undone). */
static void block_to_rows(float *dst, const float *block, int R, int stride, int lanes) {
  const int R4 = R / 4 * 4;
  for (int l = 0; l < lanes; l += 4) {
    const float *s = block + l;
    float *d = dst + l * stride;
    const int full = l + 4 <= lanes;
    if (full) {
      for (int q = 0; q < R4; q += 4) {
        f4 v0 = *(const f4 *)(s + q * L), v1 = *(const f4 *)(s + (q + 1) * L);
        f4 v2 = *(const f4 *)(s + (q + 2) * L), v3 = *(const f4 *)(s + (q + 3) * L);
        transpose4(&v0, &v1, &v2, &v3);
        *(f4u *)(d + q) = v0, *(f4u *)(d + stride + q) = v1;
        *(f4u *)(d + 2 * stride + q) = v2, *(f4u *)(d + 3 * stride + q) = v3;
      }
    }
    for (int q = full ? R4 : 0; q < R; q++) {
      for (int i = 0; i < 4 && l + i < lanes; i++) d[i * stride + q] = s[q * L + i];
    }
  }
}

/* Sequences of tile n that are in the batch. */
static inline int lanes_of(int n, int B) { return B - n * L < L ? B - n * L : L; }

/* dst [tiles, steps, R, L] ← src [B, steps, R]; lanes past the batch are zero. */
__attribute__((export_name("rows_to_tiles")))
void rows_to_tiles(float *dst, const float *src, int B, int steps, int R) {
  for (int n = 0; n * L < B; n++) {
    for (int t = 0; t < steps; t++) {
      block_from_rows(dst + (n * steps + t) * R * L, src + (n * L * steps + t) * R, R,
                      steps * R, lanes_of(n, B));
    }
  }
}

/* dst [B, steps, R] ← steps t0 … t0 + steps − 1 of src [tiles, T, R, L]. */
__attribute__((export_name("tiles_to_rows")))
void tiles_to_rows(float *dst, const float *src, int B, int T, int R, int t0, int steps) {
  for (int n = 0; n * L < B; n++) {
    for (int t = 0; t < steps; t++) {
      block_to_rows(dst + (n * L * steps + t) * R, src + (n * T + t0 + t) * R * L, R,
                    steps * R, lanes_of(n, B));
    }
  }
}

/* ───────────────────────────── forward ───────────────────────────── */

/* Bytes of gru_forward's work area. */
__attribute__((export_name("gru_forward_work_bytes")))
int gru_forward_work_bytes(int U) { return 8 * U * L * 4; }

/*
 * The forward pass over all T steps of every tile.
 *
 * x     [tiles, T, I, L] in: the input, tiled (rows_to_tiles)
 * w     [I, 3U] in; rw [U, 3U] in; bias [3U] in
 * h, yz, yr, c  out when keep (the tape), [tiles, T, U, L]: every step's output, hard-sigmoid's
 *       unclipped value of the z and r gates, and the candidate tanh(a_h); else unused (the
 *       work area holds the step's)
 * y     out: the output as rows, [B, T, U] when sequences, else [B, U] (the last step)
 * work  gru_forward_work_bytes(U)
 */
__attribute__((export_name("gru_forward")))
void gru_forward(int T, int B, int I, int U, const f4 *x, const float *w, const float *rw,
                 const float *bias, f4 *h, f4 *yz, f4 *yr, f4 *c, int keep, float *y,
                 int sequences, f4 *work) {
  const int G = 3 * U;
  const int row = U * NV; /* vectors in one step's [U, L] */
  f4 *zeros = work;       /* h_{−1} [U, L] */
  f4 *zr = zeros + row;   /* clip(y_z), clip(y_r) of the step [2U, L] */
  f4 *rh = zr + 2 * row;  /* r ⊙ h_{t−1} [U, L] */
  if (!keep) {
    /* One step's slots. h_t overwrites h_{t−1} in place: its row j is the last use of row j
     * of h_{t−1} (the gates and r ⊙ h_{t−1} are computed before). */
    yz = rh + row;
    yr = yz + row;
    c = yr + row;
    h = c + row;
  }
  for (int q = 0; q < row; q++) zeros[q] = splat(0);
  for (int n = 0; n * L < B; n++) {
    const int lanes = lanes_of(n, B);
    for (int t = 0; t < T; t++) {
      const int at = n * T + t;
      const int slot = keep ? at * row : 0;
      const f4 *xt = x + at * I * NV;
      const f4 *hp = t == 0 ? zeros : keep ? h + (at - 1) * row : h;
      f4 *ht = h + slot, *yzt = yz + slot, *yrt = yr + slot, *ct = c + slot;
      /* a_z, a_r = x_t W + h_{t−1} R + b (columns 0 … 2U − 1) */
      for (int j = 0; j < 2 * U; j++) {
        f4 a[NV];
        for (int v = 0; v < NV; v++) a[v] = splat(bias[j]);
        for (int i = 0; i < I; i++) {
          const float wij = w[i * G + j];
          for (int v = 0; v < NV; v++) a[v] += wij * xt[i * NV + v];
        }
        for (int k = 0; k < U; k++) {
          const float rkj = rw[k * G + j];
          for (int v = 0; v < NV; v++) a[v] += rkj * hp[k * NV + v];
        }
        f4 *yg = j < U ? yzt + j * NV : yrt + (j - U) * NV;
        for (int v = 0; v < NV; v++) {
          /* hard-sigmoid as tfjs computes it: float32 0.5 + 0.2·a */
          const f4 yv = 0.5f + 0.2f * a[v];
          yg[v] = yv;
          zr[j * NV + v] = clip01(yv);
        }
      }
      for (int q = 0; q < row; q++) rh[q] = zr[row + q] * hp[q];
      /* c = tanh(x_t W_h + (r ⊙ h_{t−1}) R_h + b_h); h_t = z h_{t−1} + (1 − z) c */
      for (int j = 0; j < U; j++) {
        f4 a[NV];
        for (int v = 0; v < NV; v++) a[v] = splat(bias[2 * U + j]);
        for (int i = 0; i < I; i++) {
          const float wij = w[i * G + 2 * U + j];
          for (int v = 0; v < NV; v++) a[v] += wij * xt[i * NV + v];
        }
        for (int k = 0; k < U; k++) {
          const float rkj = rw[k * G + 2 * U + j];
          for (int v = 0; v < NV; v++) a[v] += rkj * rh[k * NV + v];
        }
        for (int v = 0; v < NV; v++) {
          const int q = j * NV + v;
          const f4 cv = tanh4(a[v]);
          ct[q] = cv;
          ht[q] = zr[q] * hp[q] + (1 - zr[q]) * cv;
        }
      }
      if (sequences) {
        block_to_rows(y + (n * L * T + t) * U, (const float *)ht, U, T * U, lanes);
      } else if (t == T - 1) {
        block_to_rows(y + n * L * U, (const float *)ht, U, U, lanes);
      }
    }
  }
}

/* ───────────────────────────── backward ───────────────────────────── */

/* Bytes of gru_backward's work area. */
__attribute__((export_name("gru_backward_work_bytes")))
int gru_backward_work_bytes(int I, int U) {
  const int G = 3 * U;
  const int sums = I * G + U * G + G;
  return (7 * U + I) * L * 4 + sums * 16 + sums * 8;
}

/*
 * part[k·ldp + j] += Σ_v a[k, v]·d[j, v] for k < K, j < J, v < NV: outer products summed over
 * a tile's lanes, register-blocked 2 rows × 4 columns (each loaded vector feeds 4 or 2
 * multiply-adds instead of 1).
 */
static void outer_lanes(f4 *part, int ldp, const f4 *a, int K, const f4 *d, int J) {
  int k = 0;
  for (; k + 2 <= K; k += 2) {
    const f4 *a0 = a + k * NV, *a1 = a0 + NV;
    f4 *p0 = part + k * ldp, *p1 = p0 + ldp;
    int j = 0;
    for (; j + 4 <= J; j += 4) {
      const f4 *d0 = d + j * NV;
      f4 s00 = p0[j], s01 = p0[j + 1], s02 = p0[j + 2], s03 = p0[j + 3];
      f4 s10 = p1[j], s11 = p1[j + 1], s12 = p1[j + 2], s13 = p1[j + 3];
      for (int v = 0; v < NV; v++) {
        const f4 x0 = a0[v], x1 = a1[v];
        const f4 e0 = d0[v], e1 = d0[NV + v], e2 = d0[2 * NV + v], e3 = d0[3 * NV + v];
        s00 += x0 * e0, s01 += x0 * e1, s02 += x0 * e2, s03 += x0 * e3;
        s10 += x1 * e0, s11 += x1 * e1, s12 += x1 * e2, s13 += x1 * e3;
      }
      p0[j] = s00, p0[j + 1] = s01, p0[j + 2] = s02, p0[j + 3] = s03;
      p1[j] = s10, p1[j + 1] = s11, p1[j + 2] = s12, p1[j + 3] = s13;
    }
    for (; j < J; j++) {
      f4 s0 = p0[j], s1 = p1[j];
      for (int v = 0; v < NV; v++) s0 += a0[v] * d[j * NV + v], s1 += a1[v] * d[j * NV + v];
      p0[j] = s0, p1[j] = s1;
    }
  }
  for (; k < K; k++) {
    for (int j = 0; j < J; j++) {
      f4 s = part[k * ldp + j];
      for (int v = 0; v < NV; v++) s += a[k * NV + v] * d[j * NV + v];
      part[k * ldp + j] = s;
    }
  }
}

/* sum[q] += the four lanes of part[q] (in float64), and part[q] = 0, for q < n. */
static void flush(double *sum, f4 *part, int n) {
  for (int q = 0; q < n; q++) {
    const f4 p = part[q];
    sum[q] += ((double)p[0] + (double)p[1]) + ((double)p[2] + (double)p[3]);
    part[q] = splat(0);
  }
}

/*
 * Backpropagation through time over every tile, from the tape gru_forward kept.
 *
 * x, h, yz, yr, c  in: the tape [tiles, T, ·, L]
 * w, rw  in: the weights as in gru_forward
 * dy    in: ∂loss/∂h as rows, [B, T, U] when sequences, else [B, U] (the last step's only)
 * dx    out: ∂loss/∂x as rows [B, T, I]
 * dw, drw, db  out [I, 3U], [U, 3U], [3U]: the weights' gradients, summed over batch and time
 *       (per lane in float32 for FLUSH_STEPS steps, then in float64)
 * work  gru_backward_work_bytes(I, U), 16-byte aligned
 */
__attribute__((export_name("gru_backward")))
void gru_backward(int T, int B, int I, int U, const f4 *x, const float *w, const float *rw,
                  const f4 *h, const f4 *yz, const f4 *yr, const f4 *c, const float *dy,
                  int sequences, float *dx, float *dw, float *drw, float *db, f4 *work) {
  const int G = 3 * U;
  const int row = U * NV;
  const int sums = I * G + U * G + G;
  f4 *zeros = work;       /* h_{−1} [U, L] */
  f4 *carry = zeros + row; /* ∂loss/∂h_t, flowing back through time [U, L] */
  f4 *da = carry + row;    /* ∂loss/∂(a_z, a_r, a_h) of the step [3U, L] */
  f4 *rh = da + 3 * row;   /* r ⊙ h_{t−1} [U, L] */
  f4 *part = rh + row;     /* float32 partial sums of dw, drw, db, lane-wise [sums] */
  f4 *partW = part, *partR = part + I * G, *partB = partR + U * G;
  double *sum = (double *)(part + sums); /* the same, float64 [sums] */
  f4 *dyt = (f4 *)(sum + sums); /* the step's ∂loss/∂h_t from dy, tiled [U, L] */
  f4 *dxt = dyt + row;          /* the step's ∂loss/∂x_t, tiled [I, L] */
  for (int q = 0; q < row; q++) zeros[q] = splat(0);
  for (int q = 0; q < sums; q++) part[q] = splat(0), sum[q] = 0;
  for (int n = 0; n * L < B; n++) {
    const int lanes = lanes_of(n, B);
    for (int q = 0; q < row; q++) carry[q] = splat(0);
    for (int t = T - 1; t >= 0; t--) {
      const int at = n * T + t;
      const f4 *xt = x + at * I * NV;
      const f4 *hp = t ? h + (at - 1) * row : zeros;
      const f4 *yzt = yz + at * row, *yrt = yr + at * row, *ct = c + at * row;
      if (sequences || t == T - 1) {
        if (sequences) block_from_rows((float *)dyt, dy + (n * L * T + t) * U, U, T * U, lanes);
        else block_from_rows((float *)dyt, dy + n * L * U, U, U, lanes);
        for (int q = 0; q < row; q++) carry[q] += dyt[q];
      }
      /* h_t = z h_{t−1} + (1 − z) c */
      for (int q = 0; q < row; q++) {
        const f4 g = carry[q], z = clip01(yzt[q]), cv = ct[q];
        carry[q] = g * z;
        da[q] = masked(open(yzt[q]), g * (hp[q] - cv) * 0.2f);
        da[2 * row + q] = g * (1 - z) * (1 - cv * cv);
      }
      /* a_h = … + (r ⊙ h_{t−1}) R_h: back to r and h_{t−1} */
      for (int k = 0; k < U; k++) {
        f4 s[NV];
        for (int v = 0; v < NV; v++) s[v] = splat(0);
        for (int j = 0; j < U; j++) {
          const float rkj = rw[k * G + 2 * U + j];
          for (int v = 0; v < NV; v++) s[v] += rkj * da[(2 * U + j) * NV + v];
        }
        for (int v = 0; v < NV; v++) {
          const int q = k * NV + v;
          const f4 r = clip01(yrt[q]);
          carry[q] += s[v] * r;
          da[row + q] = masked(open(yrt[q]), s[v] * hp[q] * 0.2f);
          rh[q] = r * hp[q];
        }
      }
      /* a_z, a_r = … + h_{t−1} R_{z,r} */
      for (int k = 0; k < U; k++) {
        f4 s[NV];
        for (int v = 0; v < NV; v++) s[v] = carry[k * NV + v];
        for (int j = 0; j < 2 * U; j++) {
          const float rkj = rw[k * G + j];
          for (int v = 0; v < NV; v++) s[v] += rkj * da[j * NV + v];
        }
        for (int v = 0; v < NV; v++) carry[k * NV + v] = s[v];
      }
      /* a = x_t W + …: back to x_t */
      for (int i = 0; i < I; i++) {
        f4 s[NV];
        for (int v = 0; v < NV; v++) s[v] = splat(0);
        for (int j = 0; j < G; j++) {
          const float wij = w[i * G + j];
          for (int v = 0; v < NV; v++) s[v] += wij * da[j * NV + v];
        }
        for (int v = 0; v < NV; v++) dxt[i * NV + v] = s[v];
      }
      block_to_rows(dx + (n * L * T + t) * I, (const float *)dxt, I, T * I, lanes);
      /* The weights' gradients: outer products of the step's inputs with da. */
      outer_lanes(partW, G, xt, I, da, G);
      outer_lanes(partR, G, hp, U, da, 2 * U);
      outer_lanes(partR + 2 * U, G, rh, U, da + 2 * row, U);
      for (int j = 0; j < G; j++) {
        f4 p = partB[j];
        for (int v = 0; v < NV; v++) p += da[j * NV + v];
        partB[j] = p;
      }
      if (t % FLUSH_STEPS == 0) flush(sum, part, sums);
    }
  }
  for (int q = 0; q < I * G; q++) dw[q] = (float)sum[q];
  for (int q = 0; q < U * G; q++) drw[q] = (float)sum[I * G + q];
  for (int q = 0; q < G; q++) db[q] = (float)sum[I * G + U * G + q];
}
