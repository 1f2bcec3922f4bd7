/* flatten of a strided view into a dense vector: reference C, docs/int8-spec.md §9. */
#include "iegm_kernels.h"

void iegm_flatten_s8(const int8_t *x, int T, int C, int x_row_stride, int8_t *y) {
  for (int t = 0; t < T; t++) {
    for (int c = 0; c < C; c++) y[t * C + c] = x[t * x_row_stride + c];
  }
}
