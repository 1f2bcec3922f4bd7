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
__attribute__((always_inline)) static inline int slot(int u, int full) {
  return u < full ? (u & ~3) | ((u & 1) << 1) | ((u >> 1) & 1) : u;
}

/*
 * Σ_j v[j]·R[j] over U units, v in slot order (int16 Q0.15), R in natural order (int8). The
 * groups of four are an assembly loop (nine instructions: the compiler's took fourteen); each
 * product ≤ 2^15·2^7 and U ≤ 128 keep the sum within 2^29.
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
    __asm__ volatile(
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
        :
        : "cc", "memory");
  }
  int32_t sum = (int32_t)acc;
  for (int j = full; j < U; j++) sum += (int32_t)v[j] * R[j];
  return sum;
}

/* Units per chunk: the phases below keep 4·CHUNK int32 on the stack, whatever U is. */
enum { CHUNK = 16 };

/*
 * Two recurrent dot products over the same v (slot order): *acc0 = R0·v and *acc1 = R1·v,
 * R1 = R0 + r1_offset bytes. Each pair of state words is loaded once for both rows; the groups
 * of four are an assembly loop (14 instructions per group for two rows).
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
    __asm__ volatile(
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
        : [off] "r"(r1_offset)
        : "cc", "memory");
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

/* x_t of one step, unpacked once for all gate rows. */
typedef struct {
  const int8_t *x;              /* [N_in] int8 */
  int N_in;
  int groups;                   /* N_in / 4 when ≤ MAX_X_GROUPS, else 0 (plain dot product) */
  uint32_t lanes[2 * MAX_X_GROUPS]; /* per group: SXTB16 lanes of bytes (0, 2) and (1, 3) */
} step_input;

static void unpack_input(const int8_t *x_t, int N_in, step_input *in) {
  in->x = x_t;
  in->N_in = N_in;
  in->groups = (N_in >> 2) <= MAX_X_GROUPS ? N_in >> 2 : 0;
  for (int g = 0; g < in->groups; g++) {
    const uint32_t v = iegm_load4(x_t + 4 * g);
    in->lanes[2 * g] = __sxtb16(v);
    in->lanes[2 * g + 1] = iegm_sxtb16_ror8(v);
  }
}

/* bias + W_row · x_t (|·| ≤ 2^29 + N_in·2^14 ≤ 2^30). */
__attribute__((always_inline)) static inline int32_t input_dot(const step_input *in,
                                                               const int8_t *w, int32_t bias) {
  uint32_t acc = (uint32_t)bias;
  const int groups = in->groups;
  for (int g = 0; g < groups; g++) {
    const uint32_t wv = iegm_load4(w + 4 * g);
    acc = __smlad(__sxtb16(wv), in->lanes[2 * g], acc);
    acc = __smlad(iegm_sxtb16_ror8(wv), in->lanes[2 * g + 1], acc);
  }
  int32_t sum = (int32_t)acc;
  for (int i = 4 * groups; i < in->N_in; i++) sum += (int32_t)in->x[i] * w[i];
  return sum;
}

/*
 * Pre-activations of `count` consecutive gate rows, input and recurrent parts each rounded on
 * its own (docs/int8-spec.md §11): pre[k] = rshift(bias[k] + W[k]·x_t, sx)
 * + rshift(R[k]·v, sr), v in slot order; |pre| ≤ 2^30 + 2^29.
 */
static void gate_rows(const step_input *in, const int8_t *W, const int32_t *bias, int sx,
                      int32_t round_x, const int16_t *v, const int8_t *R, int U, int full,
                      int sr, int32_t round_r, int count, int32_t *pre) {
  const int N_in = in->N_in;
  for (int k = 0; k < count; k++) {
    pre[k] = iegm_rshift_r(input_dot(in, W + k * N_in, bias[k]), sx, round_x) +
             iegm_rshift_r(recurrent_dot(v, R + k * U, U, full), sr, round_r);
  }
}

/*
 * The update and reset gate rows of `count` consecutive units together (they read the same h):
 * pre_z[k] and pre_r[k] as in gate_rows, rows U apart in W, bias and R.
 */
static void gate_row_pairs(const step_input *in, const int8_t *W, const int32_t *bias, int sx,
                           int32_t round_x, const int16_t *h, const int8_t *R, int U, int full,
                           int sr, int32_t round_r, int count, int32_t *pre_z, int32_t *pre_r) {
  const int N_in = in->N_in;
  for (int k = 0; k < count; k++) {
    int32_t rec_z, rec_r;
    recurrent_dot2(h, R + k * U, U * U, U, full, &rec_z, &rec_r);
    pre_z[k] = iegm_rshift_r(input_dot(in, W + k * N_in, bias[k]), sx, round_x) +
               iegm_rshift_r(rec_z, sr, round_r);
    pre_r[k] = iegm_rshift_r(input_dot(in, W + (U + k) * N_in, bias[U + k]), sx, round_x) +
               iegm_rshift_r(rec_r, sr, round_r);
  }
}

/* Gate value in Q0.15 ("1" = 32768 for the hard sigmoid) of a pre-activation at pre_dec. */
__attribute__((always_inline)) static inline int32_t gate(int32_t pre, int pre_dec,
                                                          int hard_sigmoid,
                                                          const int16_t *table) {
  return hard_sigmoid ? iegm_hard_sigmoid(pre, pre_dec) : iegm_lut(table, pre, pre_dec);
}

void iegm_gru_s8(const int8_t *x, int T, int N_in, int U, const int8_t *W, const int8_t *R,
                 const int32_t *bias, int sx, int sr, int pre_dec, int hard_sigmoid,
                 const int16_t *tanh_table, const int16_t *sigmoid_table, int out_shift,
                 int return_sequences, int8_t *y, int y_row_stride, int16_t *state,
                 int16_t *scratch) {
  const int full = U & ~3;
  const int32_t round_x = iegm_round_of(sx), round_r = iegm_round_of(sr);
  const int32_t round_out = iegm_round_of(out_shift);
  int16_t *h = state, *rh = scratch, *hn = scratch + U;
  int32_t pre_a[CHUNK], pre_b[CHUNK];
  step_input in;
  for (int u = 0; u < U; u++) h[u] = 0;
  for (int t = 0; t < T; t++) {
    unpack_input(x + t * N_in, N_in, &in);
    /* Update and reset gates (the update gate waits in hn's slots), then r ⊙ h: every
     * candidate below reads all of it. */
    uint16_t *z_of = (uint16_t *)hn; /* z ∈ [0, 32768] */
    for (int u0 = 0; u0 < U; u0 += CHUNK) {
      const int count = U - u0 < CHUNK ? U - u0 : CHUNK;
      gate_row_pairs(&in, W + u0 * N_in, bias + u0, sx, round_x, h, R + u0 * U, U, full, sr,
                     round_r, count, pre_a, pre_b);
      for (int k = 0; k < count; k++) {
        const int s = slot(u0 + k, full);
        z_of[s] = (uint16_t)gate(pre_a[k], pre_dec, hard_sigmoid, sigmoid_table);
        const int32_t r = gate(pre_b[k], pre_dec, hard_sigmoid, sigmoid_table);
        rh[s] = (int16_t)iegm_rshift_r(r * h[s], 15, 1 << 14); /* |r·h| ≤ 2^30 */
      }
    }
    /* Candidates, then the new state over the update gates. */
    for (int u0 = 0; u0 < U; u0 += CHUNK) {
      const int count = U - u0 < CHUNK ? U - u0 : CHUNK;
      gate_rows(&in, W + (2 * U + u0) * N_in, bias + 2 * U + u0, sx, round_x, rh,
                R + (2 * U + u0) * U, U, full, sr, round_r, count, pre_b);
      for (int k = 0; k < count; k++) {
        const int s = slot(u0 + k, full);
        const int32_t z = z_of[s];
        const int32_t c = iegm_lut(tanh_table, pre_b[k], pre_dec);
        /* A convex combination of two Q0.15 values: |·| ≤ 2^30, result within int16. */
        hn[s] = (int16_t)iegm_rshift_r(z * h[s] + (32768 - z) * c, 15, 1 << 14);
      }
    }
    int16_t *old = h;
    h = hn;
    hn = old;
    if (return_sequences || t == T - 1) {
      int8_t *y_t = return_sequences ? y + t * y_row_stride : y;
      for (int u = 0; u < U; u++) {
        y_t[u] = (int8_t)__ssat(iegm_rshift_r(h[slot(u, full)], out_shift, round_out), 8);
      }
    }
  }
}
