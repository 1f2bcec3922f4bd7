/* relu: reference C, docs/int8-spec.md §7. */
#include "iegm_kernels.h"

void iegm_relu_s8(const int8_t *x, int n, int8_t *y) {
  for (int i = 0; i < n; i++) y[i] = x[i] < 0 ? 0 : x[i];
}
