/*
 * conv1d with fused ReLU and max-pool: Cortex-M4 DSP version, docs/int8-spec.md §5, equal to
 * ref/conv1d_s8.c bit for bit.
 *
 * Changes of order, all exact:
 * - Channels outside, output rows inside, so a filter's bias, shift and rounding constant stay
 *   in registers for a whole column of outputs.
 * - The window of one conv position is K·C_in contiguous bytes of x (rows are dense), and the
 *   filter is K·C_in contiguous bytes of w: one dot product, two pool positions at a time
 *   sharing the unpacked weights (iegm_dot2_s8).
 * - Requantization, ReLU and the pool's max commute (v ↦ relu(sat8(rshift(v + b, s))) is
 *   monotone non-decreasing), so the max is taken over the raw dot products and one
 *   requantization per output replaces one per position; the bias is added after the max
 *   (max_j(b + d_j) = b + max_j d_j).
 * Output rows whose windows reach into the zero padding take the plain path.
 */
#include <arm_acle.h>

#include "iegm_arith.h"
#include "iegm_kernels.h"
#include "iegm_m4_simd.h"

/* One output element by the plain definition, for rows that touch the padding. */
static int8_t conv_edge(const int8_t *x, int T_in, int C_in, const int8_t *w, int32_t bias,
                        int shift, int K, int stride, int pad_before, int to, int pool,
                        int relu) {
  int32_t m = -128;
  for (int j = 0; j < pool; j++) {
    const int t = to * pool + j;
    int32_t acc = bias;
    for (int k = 0; k < K; k++) {
      const int ti = t * stride + k - pad_before;
      if (ti < 0 || ti >= T_in) continue;
      /* |acc| ≤ |bias| + K·C_in·2^14 ≤ 2^30. */
      acc = iegm_dot_s8(x + ti * C_in, w + k * C_in, C_in, acc);
    }
    int32_t v = iegm_sat8(iegm_rshift(acc, shift));
    if (relu && v < 0) v = 0;
    if (v > m) m = v;
  }
  return (int8_t)m;
}

/*
 * max over the pool's positions j of Σ_i window[j·step + i]·filter[i] (|·| ≤ 2^29 each), two
 * positions at a time.
 */
static inline int32_t pooled_dot(const int8_t *window, int step, const int8_t *filter, int n,
                                 int pool) {
  int32_t best = INT32_MIN;
  int j = 0;
  for (; j + 2 <= pool; j += 2) {
    int32_t d0 = 0, d1 = 0;
    iegm_dot2_s8(window + j * step, step, filter, n, &d0, &d1);
    if (d0 > best) best = d0;
    if (d1 > best) best = d1;
  }
  if (j < pool) {
    const int32_t d = iegm_dot_s8(window + j * step, filter, n, 0);
    if (d > best) best = d;
  }
  return best;
}

void iegm_conv1d_s8(const int8_t *x, int T_in, int C_in, const int8_t *w, const int32_t *bias,
                    const uint8_t *shift, int C_out, int K, int stride, int pad_before, int T_out,
                    int pool, int relu, int8_t *y, int y_row_stride) {
  const int n = K * C_in;
  const int step = stride * C_in;        /* bytes between consecutive positions' windows */
  const int row_step = pool * step;      /* bytes between consecutive output rows' windows */
  /* Output rows [to_first, to_end) have every window inside x; the others touch padding. */
  int to_first = 0;
  while (to_first < T_out && to_first * pool * stride - pad_before < 0) to_first++;
  int to_end = T_out;
  while (to_end > to_first && (to_end * pool - 1) * stride - pad_before + K > T_in) to_end--;
  for (int c = 0; c < C_out; c++) {
    const int8_t *filter = w + c * n;
    const int32_t b = bias[c];
    const int s = shift[c];
    const int32_t round = iegm_round_of(s);
    for (int to = 0; to < to_first; to++) {
      y[to * y_row_stride + c] =
          conv_edge(x, T_in, C_in, filter, b, s, K, stride, pad_before, to, pool, relu);
    }
    const int8_t *window = x + (to_first * pool * stride - pad_before) * C_in;
    int8_t *out = y + to_first * y_row_stride + c;
    for (int to = to_first; to < to_end; to++) {
      const int32_t best = pooled_dot(window, step, filter, n, pool);
      /* best + bias ≤ 2^30, + 2^(shift−1) < 2^31. */
      const int32_t v = iegm_rshift_r(best + b, s, round);
      /* relu ∘ sat8 is USAT to 7 bits: [0, 127]. */
      *out = (int8_t)(relu ? __usat(v, 7) : __ssat(v, 8));
      window += row_step;
      out += y_row_stride;
    }
    for (int to = to_end; to < T_out; to++) {
      y[to * y_row_stride + c] =
          conv_edge(x, T_in, C_in, filter, b, s, K, stride, pad_before, to, pool, relu);
    }
  }
}
