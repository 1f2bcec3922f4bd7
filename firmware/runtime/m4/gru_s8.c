/*
 * GRU (tfjs reset_after = false): Cortex-M4 DSP version, docs/int8-spec.md §11, equal to
 * ref/gru_s8.c bit for bit.
 *
 * The recurrent products are int16 state × int8 weights. SXTB16 splits four weights
 * r0 r1 r2 r3 into the lanes (r0, r2) and (r1, r3); to meet them with one 32-bit load each, the
 * state vectors (h, r ⊙ h, new h) are kept in a permuted order inside every group of four
 * units, h0 h2 h1 h3, so the words are (h0, h2) and (h1, h3) and SMLAD needs no repacking.
 * Units past the last full group of four stay in natural order. The permutation is internal:
 * the outputs y are written in natural order. The new state is written to the second buffer and
 * the two buffers swap roles each step instead of copying.
 *
 * One pass per step computes, unit by unit, the update and reset rows together (they read the
 * same h: each pair of state words is loaded once for both), the gates, and r ⊙ h; a second
 * pass computes the candidate rows (they read all of r ⊙ h), the new state and the output. The
 * update gate waits in the new state's slot until the second pass overwrites it.
 */
/* Hot kernel: -O2 here whatever the image is built with (keeps loop state in registers). */
#pragma GCC optimize("O2")

#include <arm_acle.h>

#include "iegm_arith.h"
#include "iegm_kernels.h"
#include "iegm_m4_simd.h"

/* Where unit u is stored: swaps the middle two of every full group of four (self-inverse). */
__attribute__((always_inline)) static inline int slot(int u, int full) {
  return u < full ? (u & ~3) | ((u & 1) << 1) | ((u >> 1) & 1) : u;
}

/* The bytes an assembly block reads through a pointer, for its "m" operand (no VLA type). */
typedef struct {
  int16_t v[128];
} state_bytes;
typedef struct {
  int8_t v[128];
} row_bytes;

/*
 * Σ_j v[j]·R[j] over U units, v in slot order (int16 Q0.15), R in natural order (int8). The
 * groups of four are an assembly loop (nine instructions per group); each product ≤ 2^15·2^7
 * and U ≤ 128 keep the sum within 2^29.
 */
__attribute__((always_inline)) static inline int32_t recurrent_dot(const int16_t *v,
                                                                   const int8_t *R, int U,
                                                                   int full) {
  uint32_t acc = 0;
  const int16_t *pv = v;
  const int8_t *pr = R;
  if (full > 0) {
    int count = full >> 2;
    uint32_t rv, v02, v13, t;
    __asm__(
        "1:\n\t"
        "ldr %[rv], [%[pr]], #4\n\t"
        "ldr %[v02], [%[pv]], #4\n\t" /* (v_j, v_{j+2}) */
        "ldr %[v13], [%[pv]], #4\n\t" /* (v_{j+1}, v_{j+3}) */
        "sxtb16 %[t], %[rv]\n\t"
        "smlad %[acc], %[t], %[v02], %[acc]\n\t"
        "sxtb16 %[t], %[rv], ror #8\n\t"
        "smlad %[acc], %[t], %[v13], %[acc]\n\t"
        "subs %[count], %[count], #1\n\t"
        "bne 1b"
        : [acc] "+r"(acc), [pv] "+r"(pv), [pr] "+r"(pr), [count] "+r"(count), [rv] "=&r"(rv),
          [v02] "=&r"(v02), [v13] "=&r"(v13), [t] "=&r"(t)
        : "m"(*(const state_bytes *)v), "m"(*(const row_bytes *)R)
        : "cc");
  }
  int32_t sum = (int32_t)acc;
  for (int j = full; j < U; j++) sum += (int32_t)v[j] * R[j];
  return sum;
}

/*
 * Two recurrent dot products over the same v (slot order): *acc0 = R0·v and *acc1 = R1·v,
 * R1 = R0 + r1_offset bytes. Each pair of state words is loaded once for both rows (13
 * instructions per group of four for two rows).
 */
__attribute__((always_inline)) static inline void recurrent_dot2(const int16_t *v,
                                                                 const int8_t *R0,
                                                                 int r1_offset, int U, int full,
                                                                 int32_t *acc0, int32_t *acc1) {
  uint32_t a0 = 0, a1 = 0;
  const int16_t *pv = v;
  const int8_t *pr = R0;
  if (full > 0) {
    int count = full >> 2;
    uint32_t r0v, r1v, v02, v13, t;
    __asm__(
        "1:\n\t"
        "ldr %[v02], [%[pv]], #4\n\t" /* (v_j, v_{j+2}) */
        "ldr %[v13], [%[pv]], #4\n\t" /* (v_{j+1}, v_{j+3}) */
        "ldr %[r1v], [%[pr], %[off]]\n\t"
        "ldr %[r0v], [%[pr]], #4\n\t"
        "sxtb16 %[t], %[r0v]\n\t"
        "smlad %[a0], %[t], %[v02], %[a0]\n\t"
        "sxtb16 %[t], %[r0v], ror #8\n\t"
        "smlad %[a0], %[t], %[v13], %[a0]\n\t"
        "sxtb16 %[t], %[r1v]\n\t"
        "smlad %[a1], %[t], %[v02], %[a1]\n\t"
        "sxtb16 %[t], %[r1v], ror #8\n\t"
        "smlad %[a1], %[t], %[v13], %[a1]\n\t"
        "subs %[count], %[count], #1\n\t"
        "bne 1b"
        : [a0] "+r"(a0), [a1] "+r"(a1), [pv] "+r"(pv), [pr] "+r"(pr), [count] "+r"(count),
          [r0v] "=&r"(r0v), [r1v] "=&r"(r1v), [v02] "=&r"(v02), [v13] "=&r"(v13), [t] "=&r"(t)
        : [off] "r"(r1_offset), "m"(*(const state_bytes *)v), "m"(*(const row_bytes *)R0),
          "m"(*(const row_bytes *)(R0 + r1_offset))
        : "cc");
  }
  int32_t s0 = (int32_t)a0, s1 = (int32_t)a1;
  for (int j = full; j < U; j++) {
    s0 += (int32_t)v[j] * R0[j];
    s1 += (int32_t)v[j] * R0[r1_offset + j];
  }
  *acc0 = s0;
  *acc1 = s1;
}

/* Inputs of up to 4·MAX_X_GROUPS values are unpacked once per step (64 bytes of stack). */
enum { MAX_X_GROUPS = 8 };

/* bias + W_row · x_t (|·| ≤ 2^29 + N_in·2^14 ≤ 2^30); lanes: x_t split by SXTB16. */
__attribute__((always_inline)) static inline int32_t input_dot(const uint32_t *lanes, int groups,
                                                               const int8_t *x_t, int N_in,
                                                               const int8_t *w, int32_t bias) {
  uint32_t acc = (uint32_t)bias;
  for (int g = 0; g < groups; g++) {
    const uint32_t wv = iegm_load4(w + 4 * g);
    acc = __smlad(__sxtb16(wv), lanes[2 * g], acc);
    acc = __smlad(iegm_sxtb16_ror8(wv), lanes[2 * g + 1], acc);
  }
  int32_t sum = (int32_t)acc;
  for (int i = 4 * groups; i < N_in; i++) sum += (int32_t)x_t[i] * w[i];
  return sum;
}

/* rshift(v, s) of §2 with the rounding constant 2^(s−1) (0 for s = 0) made without a branch. */
__attribute__((always_inline)) static inline int32_t rshift_row(int32_t v, int s) {
  return (v + (int32_t)((1u << s) >> 1)) >> s;
}

/*
 * Hard-sigmoid gate of §11 with the clip bound `edge` = 5·2^(Pg−1) and `up` = 15 − Pg
 * precomputed: floor(m / 5) as the high word of m · (209716 · 2^12), which is
 * floor(m · 209716 / 2^20) (one UMULL; m < 2^18, so exact as the spec proves).
 */
__attribute__((always_inline)) static inline int32_t hard_gate(int32_t pre, int32_t edge,
                                                               int up) {
  const int32_t pc = pre < -edge ? -edge : pre > edge ? edge : pre;
  const uint32_t m = (uint32_t)(pc * (1 << up) + 81922); /* ∈ [2, 163842] */
  return (int32_t)(((uint64_t)m * (209716u << 12)) >> 32);
}

/*
 * out[r] = Σ_{j<12} v[j]·R[r·12 + j] for the n consecutive rows of R (12 units, v in natural
 * order): the state is loaded once and repacked into the SXTB16 lane order, (v0, v2) and
 * (v1, v3) per group of four (PKHBT, PKHTB), and stays in registers for all rows; per row and
 * group one weight load, two SXTB16 and two SMLAD (18 instructions a row).
 * |out| ≤ 12·2^15·2^7 ≤ 2^29.
 */
#define STATE_LOAD(A, B)                             \
  "ldr %[" A "], [%[v]], #4\n\t"                     \
  "ldr %[" B "], [%[v]], #4\n\t"                     \
  "pkhbt %[t], %[" A "], %[" B "], lsl #16\n\t"      \
  "pkhtb %[" B "], %[" B "], %[" A "], asr #16\n\t"  \
  "mov %[" A "], %[t]\n\t"
#define ROW_GROUP(A, B, FIRST)                   \
  "ldr %[w], [%[pr]], #4\n\t"                    \
  "sxtb16 %[t], %[w]\n\t"                        \
  FIRST                                          \
  "sxtb16 %[t], %[w], ror #8\n\t"                \
  "smlad %[a], %[t], %[" B "], %[a]\n\t"
#define FIRST_MUL(A) "smuad %[a], %[t], %[" A "]\n\t"
#define NEXT_MUL(A) "smlad %[a], %[t], %[" A "], %[a]\n\t"

static void rows_dot12(const int16_t *v, const int8_t *R, int n, int32_t *out) {
  const int8_t *end = R + n * 12;
  uint32_t h0, h1, h2, h3, h4, h5, w, t, a;
  const int8_t *pr = R;
  int32_t *po = out;
  const int16_t *pv = v;
  __asm__ volatile(STATE_LOAD("h0", "h1") STATE_LOAD("h2", "h3") STATE_LOAD("h4", "h5")
          "1:\n\t"
          ROW_GROUP("h0", "h1", FIRST_MUL("h0"))
          ROW_GROUP("h2", "h3", NEXT_MUL("h2"))
          ROW_GROUP("h4", "h5", NEXT_MUL("h4"))
          "str %[a], [%[po]], #4\n\t"
          ROW_GROUP("h0", "h1", FIRST_MUL("h0"))
          ROW_GROUP("h2", "h3", NEXT_MUL("h2"))
          ROW_GROUP("h4", "h5", NEXT_MUL("h4"))
          "str %[a], [%[po]], #4\n\t"
          "cmp %[pr], %[end]\n\t"
          "bne 1b"
          : [h0] "=&r"(h0), [h1] "=&r"(h1), [h2] "=&r"(h2), [h3] "=&r"(h3), [h4] "=&r"(h4),
            [h5] "=&r"(h5), [w] "=&r"(w), [t] "=&r"(t), [a] "=&r"(a), [pr] "+&r"(pr),
            [po] "+&r"(po), [v] "+&r"(pv)
          : [end] "r"(end)
          : "cc", "memory"); /* 13 registers in use: no room for "m" operands' addresses */
}
#undef STATE_LOAD
#undef ROW_GROUP
#undef FIRST_MUL
#undef NEXT_MUL

/*
 * pre[r] = ((W[r]·x_t + bias_r[r]) >> sx[r]) + ((pre[r] + round_r[r]) >> sr[r]) for n rows, in
 * place over the recurrent products pre (N_in = 4: one weight word a row, x_t's lanes x02 and
 * x13 in registers); br holds (bias_r, round_r) per row, bias_r = bias + 2^(sx−1) and round_r =
 * 2^(sr−1) (0 for a zero shift). Each part rounded on its own: ≤ 2^30 + 2^29 < 2^31.
 */
static void pre_rows4(int32_t *pre, int n, uint32_t x02, uint32_t x13, const int8_t *W,
                      const int32_t *br, const uint8_t *sx, const uint8_t *sr) {
  int32_t *const end = pre + n;
  uint32_t w, t, a, b, s;
  __asm__ volatile(
      "1:\n\t"
      "ldr %[w], [%[W]], #4\n\t"
      "ldrd %[a], %[b], [%[br]], #8\n\t" /* bias_r, round_r */
      "sxtb16 %[t], %[w]\n\t"
      "smlad %[a], %[t], %[x02], %[a]\n\t"
      "sxtb16 %[t], %[w], ror #8\n\t"
      "smlad %[a], %[t], %[x13], %[a]\n\t"
      "ldrb %[s], [%[sx]], #1\n\t"
      "asrs %[a], %[a], %[s]\n\t"
      "ldr %[t], [%[pre]]\n\t"
      "add %[t], %[t], %[b]\n\t"
      "ldrb %[s], [%[sr]], #1\n\t"
      "asrs %[t], %[t], %[s]\n\t"
      "add %[a], %[a], %[t]\n\t"
      "str %[a], [%[pre]], #4\n\t"
      "cmp %[pre], %[end]\n\t"
      "bne 1b"
      : [pre] "+&r"(pre), [W] "+&r"(W), [br] "+&r"(br), [sx] "+&r"(sx), [sr] "+&r"(sr),
        [w] "=&r"(w), [t] "=&r"(t), [a] "=&r"(a), [b] "=&r"(b), [s] "=&r"(s)
      : [x02] "r"(x02), [x13] "r"(x13), [end] "r"(end)
      : "cc", "memory");
}

/*
 * The steps for U = 12 and N_in = 4 (nnom): every row's recurrent product by rows_dot12 into
 * rec (z and r rows from h, then candidate rows from r ⊙ h), turned into pre-activations by
 * pre_rows4 (input part, both roundings and shifts), then gates and state unit by unit. The state
 * vectors are in natural order here (rows_dot12 repacks them), and each row's rounding
 * constants are made once: the input part's folded into its bias.
 */
static void gru_steps_u12(const int8_t *x, int T, const int8_t *W, const int8_t *R,
                          const int32_t *bias, const uint8_t *sx, const uint8_t *sr,
                          int pre_dec, int hard_sigmoid, const int16_t *tanh_table,
                          const int16_t *sigmoid_table, int out_shift, int return_sequences,
                          int8_t *y, int y_row_stride, int16_t *state, int16_t *scratch) {
  enum { U = 12 };
  const int32_t round_out = iegm_round_of(out_shift);
  const int32_t edge = 5 * ((int32_t)1 << (pre_dec - 1)), up = 15 - pre_dec;
  int16_t *h = state, *rh = scratch, *hn = scratch + U;
  int32_t rec[2 * U], br[2 * 3 * U]; /* per row: bias + input rounding, recurrent rounding */
  for (int row = 0; row < 3 * U; row++) {
    br[2 * row] = bias[row] + iegm_round_of(sx[row]); /* |bias| + 2^29 ≤ 2^30 */
    br[2 * row + 1] = iegm_round_of(sr[row]);
  }
  for (int u = 0; u < U; u++) h[u] = 0;
  for (int t = 0; t < T; t++) {
    const int8_t *x_t = x + t * 4;
    const uint32_t xv = iegm_load4(x_t);
    const uint32_t x02 = __sxtb16(xv), x13 = iegm_sxtb16_ror8(xv);
    rows_dot12(h, R, 2 * U, rec);
    /* Pre-activations of the update and reset rows, over their recurrent products. Each part
     * rounded on its own: ≤ 2^30 + 2^29 < 2^31. */
    pre_rows4(rec, 2 * U, x02, x13, W, br, sx, sr);
    uint16_t *z_of = (uint16_t *)hn; /* z waits in hn's slot, ∈ [0, 32768] */
    if (hard_sigmoid) { /* one loop per gate function: no test per unit */
      for (int u = 0; u < U; u++) {
        const int32_t z = hard_gate(rec[u], edge, up), r = hard_gate(rec[U + u], edge, up);
        z_of[u] = (uint16_t)z;
        rh[u] = (int16_t)((r * h[u] + (1 << 14)) >> 15); /* |r·h| ≤ 2^30 */
      }
    } else {
      for (int u = 0; u < U; u++) {
        const int32_t z = iegm_lut(sigmoid_table, rec[u], pre_dec);
        const int32_t r = iegm_lut(sigmoid_table, rec[U + u], pre_dec);
        z_of[u] = (uint16_t)z;
        rh[u] = (int16_t)((r * h[u] + (1 << 14)) >> 15);
      }
    }
    rows_dot12(rh, R + 2 * U * U, U, rec);
    pre_rows4(rec, U, x02, x13, W + 4 * 2 * U, br + 2 * 2 * U, sx + 2 * U, sr + 2 * U);
    int8_t *y_t = return_sequences ? y + t * y_row_stride : y;
    const int write = return_sequences || t == T - 1;
    for (int u = 0; u < U; u++) {
      const int32_t c = iegm_lut(tanh_table, rec[u], pre_dec);
      const int32_t z = z_of[u];
      /* z·h + (32768 − z)·c = z·(h − c) + 32768·c, as in gru_steps. */
      const int32_t v =
          (int32_t)((uint32_t)(z * (h[u] - c)) + ((uint32_t)c << 15) + (1u << 14)) >> 15;
      hn[u] = (int16_t)v;
      if (write) y_t[u] = (int8_t)__ssat((v + round_out) >> out_shift, 8);
    }
    int16_t *old = h;
    h = hn;
    hn = old;
  }
}

/*
 * The steps of the GRU (see iegm_gru_s8). always_inline so that a constant N_in (the call with 4
 * below) makes the input dot products straight-line code with x_t's lanes in registers.
 */
__attribute__((always_inline)) static inline void gru_steps(
    const int8_t *x, int T, int N_in, int U, const int8_t *W, const int8_t *R,
    const int32_t *bias, const uint8_t *sx, const uint8_t *sr, int pre_dec, int hard_sigmoid,
    const int16_t *tanh_table, const int16_t *sigmoid_table, int out_shift,
    int return_sequences, int8_t *y, int y_row_stride, int16_t *state, int16_t *scratch) {
  const int full = U & ~3;
  const int32_t round_out = iegm_round_of(out_shift);
  const int32_t edge = 5 * ((int32_t)1 << (pre_dec - 1)), up = 15 - pre_dec;
  const int groups = (N_in >> 2) <= MAX_X_GROUPS ? N_in >> 2 : 0;
  const int8_t *const W_h = W + 2 * U * N_in, *const R_h = R + 2 * U * U;
  int16_t *h = state, *rh = scratch, *hn = scratch + U;
  uint32_t lanes[2 * MAX_X_GROUPS];
  for (int u = 0; u < U; u++) h[u] = 0;
  for (int t = 0; t < T; t++) {
    const int8_t *x_t = x + t * N_in;
    for (int g = 0; g < groups; g++) {
      const uint32_t v = iegm_load4(x_t + 4 * g);
      lanes[2 * g] = __sxtb16(v);
      lanes[2 * g + 1] = iegm_sxtb16_ror8(v);
    }
    /* Update and reset gates, unit by unit; z waits in hn's slot (z ∈ [0, 32768]). */
    uint16_t *z_of = (uint16_t *)hn;
    for (int u = 0; u < U; u++) {
      int32_t rec_z, rec_r;
      recurrent_dot2(h, R + u * U, U * U, U, full, &rec_z, &rec_r);
      /* Each part rounded on its own: ≤ 2^30 + 2^29 < 2^31. */
      const int32_t pre_z =
          rshift_row(input_dot(lanes, groups, x_t, N_in, W + u * N_in, bias[u]), sx[u]) +
          rshift_row(rec_z, sr[u]);
      const int32_t pre_r = rshift_row(input_dot(lanes, groups, x_t, N_in, W + (U + u) * N_in,
                                                 bias[U + u]),
                                       sx[U + u]) +
                            rshift_row(rec_r, sr[U + u]);
      int32_t z, r;
      if (hard_sigmoid) {
        z = hard_gate(pre_z, edge, up);
        r = hard_gate(pre_r, edge, up);
      } else {
        z = iegm_lut(sigmoid_table, pre_z, pre_dec);
        r = iegm_lut(sigmoid_table, pre_r, pre_dec);
      }
      const int s = slot(u, full);
      z_of[s] = (uint16_t)z;
      rh[s] = (int16_t)((r * h[s] + (1 << 14)) >> 15); /* |r·h| ≤ 2^30 */
    }
    /* Candidates, the new state over the update gates, and the output row. */
    int8_t *y_t = return_sequences ? y + t * y_row_stride : y;
    const int write = return_sequences || t == T - 1;
    for (int u = 0; u < U; u++) {
      const int32_t pre_h =
          rshift_row(input_dot(lanes, groups, x_t, N_in, W_h + u * N_in, bias[2 * U + u]),
                     sx[2 * U + u]) +
          rshift_row(recurrent_dot(rh, R_h + u * U, U, full), sr[2 * U + u]);
      const int32_t c = iegm_lut(tanh_table, pre_h, pre_dec);
      const int s = slot(u, full);
      const int32_t z = z_of[s];
      /* z·h + (32768 − z)·c = z·(h − c) + 32768·c: a convex combination, |·| ≤ 2^30, so
       * the sum is exact even though z·(h − c) alone may reach 2^31 − 2^15 (unsigned wrap). */
      const int32_t v =
          (int32_t)((uint32_t)(z * (h[s] - c)) + ((uint32_t)c << 15) + (1u << 14)) >> 15;
      hn[s] = (int16_t)v;
      if (write) y_t[u] = (int8_t)__ssat((v + round_out) >> out_shift, 8);
    }
    int16_t *old = h;
    h = hn;
    hn = old;
  }
}

void iegm_gru_s8(const int8_t *x, int T, int N_in, int U, const int8_t *W, const int8_t *R,
                 const int32_t *bias, const uint8_t *sx, const uint8_t *sr, int pre_dec,
                 int hard_sigmoid, const int16_t *tanh_table, const int16_t *sigmoid_table,
                 int out_shift, int return_sequences, int8_t *y, int y_row_stride,
                 int16_t *state, int16_t *scratch) {
  if (N_in == 4 && U == 12) { /* nnom: 12 units on the mixing convolution's 4 channels */
    gru_steps_u12(x, T, W, R, bias, sx, sr, pre_dec, hard_sigmoid, tanh_table, sigmoid_table,
                  out_shift, return_sequences, y, y_row_stride, state, scratch);
  } else {
    gru_steps(x, T, N_in, U, W, R, bias, sx, sr, pre_dec, hard_sigmoid, tanh_table,
              sigmoid_table, out_shift, return_sequences, y, y_row_stride, state, scratch);
  }
}
