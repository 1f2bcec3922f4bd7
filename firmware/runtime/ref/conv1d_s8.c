/* conv1d with fused ReLU and max-pool: reference C, docs/int8-spec.md §5. */
#include "iegm_arith.h"
#include "iegm_kernels.h"

void iegm_conv1d_s8(const int8_t *x, int T_in, int C_in, const int8_t *w, const int32_t *bias,
                    const uint8_t *shift, int C_out, int K, int stride, int pad_before, int T_out,
                    int pool, int relu, int8_t *y, int y_row_stride) {
  for (int to = 0; to < T_out; to++) {
    for (int c = 0; c < C_out; c++) {
      int32_t m = -128;
      for (int j = 0; j < pool; j++) {
        const int t = to * pool + j;
        int32_t acc = bias[c];
        for (int k = 0; k < K; k++) {
          const int ti = t * stride + k - pad_before;
          if (ti < 0 || ti >= T_in) continue; /* zero padding contributes nothing */
          for (int ci = 0; ci < C_in; ci++) {
            /* |acc| ≤ |bias| + K·C_in·2^14 ≤ 2^29 + 2^29: no overflow. */
            acc += (int32_t)x[ti * C_in + ci] * w[(c * K + k) * C_in + ci];
          }
        }
        int32_t v = iegm_sat8(iegm_rshift(acc, shift[c])); /* acc + 2^29 < 2^31 */
        if (relu && v < 0) v = 0;
        if (v > m) m = v;
      }
      y[to * y_row_stride + c] = (int8_t)m;
    }
  }
}

/* Windows of at most 16 bytes at steps of 4k + 2 bytes: a kernel of its own on the Cortex-M4. */
void iegm_conv1d_phased_s8(const int8_t *x, int T_in, int C_in, const int8_t *w,
                           const int32_t *bias, const uint8_t *shift, int C_out, int K,
                           int stride, int pad_before, int T_out, int pool, int relu, int8_t *y,
                           int y_row_stride) {
  iegm_conv1d_s8(x, T_in, C_in, w, bias, shift, C_out, K, stride, pad_before, T_out, pool, relu,
                 y, y_row_stride);
}
