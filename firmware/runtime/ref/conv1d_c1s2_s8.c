/* conv1d of a single-channel input at stride 2: reference C, the general conv1d (§5). */
#include "iegm_kernels.h"

void iegm_conv1d_c1s2_s8(const int8_t *x, int T_in, int C_in, const int8_t *w,
                         const int32_t *bias, const uint8_t *shift, int C_out, int K, int stride,
                         int pad_before, int T_out, int pool, int relu, int8_t *y,
                         int y_row_stride) {
  iegm_conv1d_s8(x, T_in, C_in, w, bias, shift, C_out, K, stride, pad_before, T_out, pool, relu,
                 y, y_row_stride);
}
