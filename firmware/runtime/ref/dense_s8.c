/* dense with linear, ReLU or sigmoid activation: reference C, docs/int8-spec.md §10. */
#include "iegm_arith.h"
#include "iegm_kernels.h"

void iegm_dense_s8(const int8_t *x, int N_in, const int8_t *w, const int32_t *bias,
                   const uint8_t *shift, int N_out, int act, const int16_t *table, int pre_dec,
                   int8_t *y) {
  for (int o = 0; o < N_out; o++) {
    int32_t acc = bias[o];
    for (int i = 0; i < N_in; i++) {
      /* |acc| ≤ 2^29 + N_in·2^14 ≤ 2^30 for N_in ≤ 2^15. */
      acc += (int32_t)x[i] * w[o * N_in + i];
    }
    int32_t v;
    if (act == IEGM_ACT_SIGMOID) {
      /* Straight from the accumulator to the table (Q0.15), then to int8 dec 7. */
      v = iegm_sat8(iegm_rshift(iegm_lut(table, iegm_rshift(acc, shift[o]), pre_dec), 8));
    } else {
      v = iegm_sat8(iegm_rshift(acc, shift[o]));
      if (act == IEGM_ACT_RELU && v < 0) v = 0;
    }
    y[o] = (int8_t)v;
  }
}
