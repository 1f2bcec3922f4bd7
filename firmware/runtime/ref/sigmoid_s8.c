/* standalone sigmoid: reference C, docs/int8-spec.md §13. */
#include "iegm_arith.h"
#include "iegm_kernels.h"

void iegm_sigmoid_s8(const int8_t *x, int n, int in_shift, int pre_dec, const int16_t *table,
                     int8_t *y) {
  for (int i = 0; i < n; i++) {
    const int32_t s = iegm_lut(table, iegm_rshift(x[i], in_shift), pre_dec);
    y[i] = (int8_t)iegm_sat8(iegm_rshift(s, 8));
  }
}
