/*
 * dense: Cortex-M4 DSP version, docs/int8-spec.md §10, equal to ref/dense_s8.c bit for bit:
 * the row dot products run four pairs at a time (iegm_dot_s8); the rest is the reference.
 */
#include <arm_acle.h>

#include "iegm_arith.h"
#include "iegm_kernels.h"
#include "iegm_m4_simd.h"

/* -O2 here: the dot product loop keeps its pointers in registers (936 taps in nnom). */
__attribute__((optimize("O2"))) void iegm_dense_s8(const int8_t *x, int N_in, const int8_t *w,
                                                   const int32_t *bias, const uint8_t *shift,
                                                   int N_out, int act, const int16_t *table,
                                                   int pre_dec, int8_t *y) {
  for (int o = 0; o < N_out; o++) {
    /* |acc| ≤ 2^29 + N_in·2^14 ≤ 2^30 for N_in ≤ 2^15. */
    const int32_t acc = iegm_dot_s8(x, w + o * N_in, N_in, bias[o]);
    int32_t v;
    if (act == IEGM_ACT_SIGMOID) {
      v = __ssat(iegm_rshift(iegm_lut(table, iegm_rshift(acc, shift[o]), pre_dec), 8), 8);
    } else {
      v = iegm_rshift(acc, shift[o]);
      v = act == IEGM_ACT_RELU ? (int32_t)__usat(v, 7) : __ssat(v, 8);
    }
    y[o] = (int8_t)v;
  }
}
