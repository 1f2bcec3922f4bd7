/* concat along channels: reference C, docs/int8-spec.md §8. */
#include "iegm_arith.h"
#include "iegm_kernels.h"

void iegm_concat_s8(int n_inputs, const int8_t *const *x, const int *C, const uint8_t *shift,
                    int T, int8_t *y, int y_row_stride) {
  int offset = 0;
  for (int k = 0; k < n_inputs; k++) {
    for (int t = 0; t < T; t++) {
      for (int c = 0; c < C[k]; c++) {
        /* |x| ≤ 128: the rounding add cannot overflow. */
        const int32_t v = iegm_rshift(x[k][t * C[k] + c], shift[k]);
        y[t * y_row_stride + offset + c] = (int8_t)iegm_sat8(v);
      }
    }
    offset += C[k];
  }
}
