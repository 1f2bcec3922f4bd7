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
 */
#include <arm_acle.h>

#include "iegm_arith.h"
#include "iegm_kernels.h"
#include "iegm_m4_simd.h"

/* Where unit u is stored: swaps the middle two of every full group of four (self-inverse). */
static inline int slot(int u, int full) {
  return u < full ? (u & ~3) | ((u & 1) << 1) | ((u >> 1) & 1) : u;
}

/* Σ_j v[j]·R[j] over U units, v in slot order (int16 Q0.15), R in natural order (int8). */
static inline int32_t recurrent_dot(const int16_t *v, const int8_t *R, int U, int full) {
  uint32_t acc = 0;
  int j = 0;
  for (; j < full; j += 4) {
    const uint32_t rv = iegm_load4(R + j);
    uint32_t v02, v13;
    __builtin_memcpy(&v02, v + j, 4);     /* (v_j, v_{j+2}) */
    __builtin_memcpy(&v13, v + j + 2, 4); /* (v_{j+1}, v_{j+3}) */
    /* Each product ≤ 2^15·2^7; U ≤ 128 keeps the sum within 2^29. */
    acc = __smlad(__sxtb16(rv), v02, acc);
    acc = __smlad(iegm_sxtb16_ror8(rv), v13, acc);
  }
  int32_t sum = (int32_t)acc;
  for (; j < U; j++) sum += (int32_t)v[j] * R[j];
  return sum;
}

/* Units per chunk of input projections: a fixed 3·16 int32 on the stack, whatever U is. */
enum { CHUNK = 16 };

/*
 * Input projections of `count` consecutive gate rows: in[k] = rshift(bias[k] + W[k]·x_t, sx).
 * A separate simple loop keeps the unit loops below free of the input dot products' state.
 */
static inline void input_projection(const int8_t *x_t, int N_in, const int8_t *W,
                                    const int32_t *bias, int sx, int32_t round_x, int count,
                                    int32_t *in) {
  for (int k = 0; k < count; k++) {
    /* |bias + Σ| ≤ 2^29 + N_in·2^14 ≤ 2^30. */
    in[k] = iegm_rshift_r(iegm_dot_s8(x_t, W + k * N_in, N_in, bias[k]), sx, round_x);
  }
}

void iegm_gru_s8(const int8_t *x, int T, int N_in, int U, const int8_t *W, const int8_t *R,
                 const int32_t *bias, int sx, int sr, int pre_dec, int hard_sigmoid,
                 const int16_t *tanh_table, const int16_t *sigmoid_table, int out_shift,
                 int return_sequences, int8_t *y, int y_row_stride, int16_t *state,
                 int16_t *scratch) {
  const int full = U & ~3;
  int16_t *h = state, *rh = scratch, *hn = scratch + U;
  int32_t in_a[CHUNK], in_b[CHUNK];
  const int32_t round_x = iegm_round_of(sx), round_r = iegm_round_of(sr);
  for (int u = 0; u < U; u++) h[u] = 0;
  for (int t = 0; t < T; t++) {
    const int8_t *x_t = x + t * N_in;
    /* Reset gates, then r ⊙ h: every candidate below reads all of it. */
    for (int u0 = 0; u0 < U; u0 += CHUNK) {
      const int count = U - u0 < CHUNK ? U - u0 : CHUNK;
      input_projection(x_t, N_in, W + (U + u0) * N_in, bias + U + u0, sx, round_x, count, in_a);
      for (int k = 0; k < count; k++) {
        const int u = u0 + k;
        /* Input part ≤ 2^30 and recurrent part ≤ 2^29, each rounded on its own. */
        const int32_t pre = in_a[k] + iegm_rshift_r(recurrent_dot(h, R + (U + u) * U, U, full), sr, round_r);
        const int32_t r = hard_sigmoid ? iegm_hard_sigmoid(pre, pre_dec)
                                       : iegm_lut(sigmoid_table, pre, pre_dec);
        const int s = slot(u, full);
        rh[s] = (int16_t)iegm_rshift(r * h[s], 15); /* |r·h| ≤ 2^30 */
      }
    }
    /* Update gates and candidates, then the new state. */
    for (int u0 = 0; u0 < U; u0 += CHUNK) {
      const int count = U - u0 < CHUNK ? U - u0 : CHUNK;
      input_projection(x_t, N_in, W + u0 * N_in, bias + u0, sx, round_x, count, in_a);
      input_projection(x_t, N_in, W + (2 * U + u0) * N_in, bias + 2 * U + u0, sx, round_x, count, in_b);
      for (int k = 0; k < count; k++) {
        const int u = u0 + k;
        const int32_t pre_z = in_a[k] + iegm_rshift_r(recurrent_dot(h, R + u * U, U, full), sr, round_r);
        const int32_t z = hard_sigmoid ? iegm_hard_sigmoid(pre_z, pre_dec)
                                       : iegm_lut(sigmoid_table, pre_z, pre_dec);
        const int32_t pre_h =
            in_b[k] + iegm_rshift_r(recurrent_dot(rh, R + (2 * U + u) * U, U, full), sr, round_r);
        const int32_t c = iegm_lut(tanh_table, pre_h, pre_dec);
        const int s = slot(u, full);
        /* A convex combination of two Q0.15 values: |·| ≤ 2^30, result within int16. */
        hn[s] = (int16_t)iegm_rshift(z * h[s] + (32768 - z) * c, 15);
      }
    }
    int16_t *old = h;
    h = hn;
    hn = old;
    if (return_sequences || t == T - 1) {
      int8_t *y_t = return_sequences ? y + t * y_row_stride : y;
      for (int u = 0; u < U; u++) {
        y_t[u] = (int8_t)__ssat(iegm_rshift(h[slot(u, full)], out_shift), 8);
      }
    }
  }
}
