/* GRU (tfjs reset_after = false): reference C, docs/int8-spec.md §11. */
#include "iegm_arith.h"
#include "iegm_kernels.h"

/* pre(g, u, v): one gate's pre-activation at dec pre_dec, for unit u, from x_t and v (Q0.15). */
static int32_t gate_pre(const int8_t *x_t, int N_in, int U, const int8_t *W, const int8_t *R,
                        const int32_t *bias, const uint8_t *sx, const uint8_t *sr, int g, int u,
                        const int16_t *v) {
  int32_t input_acc = bias[g * U + u];
  const int8_t *w_row = W + (g * U + u) * N_in;
  for (int i = 0; i < N_in; i++) {
    input_acc += (int32_t)x_t[i] * w_row[i]; /* |·| ≤ 2^29 + N_in·2^14 ≤ 2^30 */
  }
  int32_t recurrent_acc = 0;
  const int8_t *r_row = R + (g * U + u) * U;
  for (int j = 0; j < U; j++) {
    recurrent_acc += (int32_t)v[j] * r_row[j]; /* |·| ≤ U·2^15·2^7 ≤ 2^29 for U ≤ 128 */
  }
  /* Each part rounded on its own, the sum ≤ 2^30 + 2^29 < 2^31. */
  return iegm_rshift(input_acc, sx[g * U + u]) + iegm_rshift(recurrent_acc, sr[g * U + u]);
}

static int32_t gate(int32_t pre, int pre_dec, int hard_sigmoid, const int16_t *sigmoid_table) {
  return hard_sigmoid ? iegm_hard_sigmoid(pre, pre_dec) : iegm_lut(sigmoid_table, pre, pre_dec);
}

void iegm_gru_s8(const int8_t *x, int T, int N_in, int U, const int8_t *W, const int8_t *R,
                 const int32_t *bias, const uint8_t *sx, const uint8_t *sr, int pre_dec,
                 int hard_sigmoid,
                 const int16_t *tanh_table, const int16_t *sigmoid_table, int out_shift,
                 int return_sequences, int8_t *y, int y_row_stride, int16_t *state,
                 int16_t *scratch) {
  int16_t *h = state, *rh = scratch, *hn = scratch + U;
  for (int u = 0; u < U; u++) h[u] = 0;
  for (int t = 0; t < T; t++) {
    const int8_t *x_t = x + t * N_in;
    for (int u = 0; u < U; u++) {
      const int32_t r = gate(gate_pre(x_t, N_in, U, W, R, bias, sx, sr, 1, u, h), pre_dec,
                             hard_sigmoid, sigmoid_table);
      rh[u] = (int16_t)iegm_rshift(r * h[u], 15); /* |r·h| ≤ 2^30 */
    }
    for (int u = 0; u < U; u++) {
      const int32_t z = gate(gate_pre(x_t, N_in, U, W, R, bias, sx, sr, 0, u, h), pre_dec,
                             hard_sigmoid, sigmoid_table);
      const int32_t c = iegm_lut(tanh_table, gate_pre(x_t, N_in, U, W, R, bias, sx, sr, 2, u, rh),
                                 pre_dec);
      /* A convex combination of two Q0.15 values: |·| ≤ 2^30, result within int16. */
      hn[u] = (int16_t)iegm_rshift(z * h[u] + (32768 - z) * c, 15);
    }
    for (int u = 0; u < U; u++) h[u] = hn[u];
    if (return_sequences || t == T - 1) {
      int8_t *y_t = return_sequences ? y + t * y_row_stride : y;
      for (int u = 0; u < U; u++) y_t[u] = (int8_t)iegm_sat8(iegm_rshift(h[u], out_shift));
    }
  }
}
