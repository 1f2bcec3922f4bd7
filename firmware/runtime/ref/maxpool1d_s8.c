/* maxpool1d, 'valid' padding: reference C, docs/int8-spec.md §6. */
#include "iegm_kernels.h"

void iegm_maxpool1d_s8(const int8_t *x, int T_in, int C, int pool, int stride, int T_out,
                       int8_t *y, int y_row_stride) {
  (void)T_in; /* T_out ≤ floor((T_in − pool) / stride) + 1 was checked at generation time */
  for (int to = 0; to < T_out; to++) {
    for (int c = 0; c < C; c++) {
      int8_t m = -128;
      for (int j = 0; j < pool; j++) {
        const int8_t v = x[(to * stride + j) * C + c];
        if (v > m) m = v;
      }
      y[to * y_row_stride + c] = m;
    }
  }
}
