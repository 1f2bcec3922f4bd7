/*
 * dense: Cortex-M4 DSP version, docs/int8-spec.md §10, equal to ref/dense_s8.c bit for bit.
 *
 * Four output rows per pass share each word of x: it is loaded and split into its SXTB16 lanes
 * once, then each row costs one weight word, two SXTB16 and two SMLAD (23 instructions per 16
 * multiply-accumulates, against 40 for four separate row dot products). The last N_in mod 4
 * inputs are a plain loop; the last N_out mod 4 rows take one row per pass.
 */
#include <arm_acle.h>

#include "iegm_arith.h"
#include "iegm_kernels.h"
#include "iegm_m4_simd.h"

/* The bytes an assembly block reads through a pointer, for its "m" operand (no VLA type). */
typedef struct {
  int8_t v[1 << 15];
} input_bytes;

/*
 * acc[r] += Σ_{i < 4·groups} x[i]·w[r·N_in + i] for the rows r = 0 .. 3 of w, groups ≥ 1.
 * Assembly: the four sums, the two input lanes, the weight and its lanes and four pointers and
 * counts are 13 live values, which the compiler does not keep in registers by itself. Each sum
 * stays within |bias| + N_in·2^14 ≤ 2^30.
 */
#define ROW(LOAD, A)                            \
  "ldr %[w], " LOAD "\n\t"                      \
  "sxtb16 %[t], %[w]\n\t"                       \
  "sxtb16 %[w], %[w], ror #8\n\t"               \
  "smlad %[" A "], %[lo], %[t], %[" A "]\n\t"   \
  "smlad %[" A "], %[hi], %[w], %[" A "]\n\t"

static void dot_rows4(const int8_t *x, const int8_t *w, int N_in, int groups, int32_t acc[4]) {
  uint32_t a0 = (uint32_t)acc[0], a1 = (uint32_t)acc[1], a2 = (uint32_t)acc[2],
           a3 = (uint32_t)acc[3], lo, hi, wv, t;
  const int8_t *px = x, *pw = w, *p3 = w + 3 * N_in;
  __asm__("1:\n\t"
          "ldr %[hi], [%[x]], #4\n\t"
          "sxtb16 %[lo], %[hi]\n\t"
          "sxtb16 %[hi], %[hi], ror #8\n\t"
          ROW("[%[p], %[n]]", "a1")
          ROW("[%[p], %[n], lsl #1]", "a2")
          ROW("[%[p3]], #4", "a3")
          ROW("[%[p]], #4", "a0")
          "subs %[g], %[g], #1\n\t"
          "bne 1b"
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [lo] "=&r"(lo),
            [hi] "=&r"(hi), [w] "=&r"(wv), [t] "=&r"(t), [x] "+r"(px), [p] "+r"(pw),
            [p3] "+r"(p3), [g] "+r"(groups)
          : [n] "r"(N_in), "m"(*(const input_bytes *)x), "m"(*(const input_bytes *)w)
          : "cc");
  acc[0] = (int32_t)a0;
  acc[1] = (int32_t)a1;
  acc[2] = (int32_t)a2;
  acc[3] = (int32_t)a3;
}
#undef ROW

/*
 * acc + Σ_{i < 4·groups} x[i]·w[i], groups ≥ 1: one row (those left after the passes of
 * four; nnom's 936-input output layer), two groups per pass of the loop, eight instructions
 * per group.
 */
#define GROUP                           \
  "ldr %[xv], [%[x]], #4\n\t"           \
  "ldr %[wv], [%[p]], #4\n\t"           \
  "sxtb16 %[t], %[xv]\n\t"              \
  "sxtb16 %[xv], %[xv], ror #8\n\t"     \
  "sxtb16 %[u], %[wv]\n\t"              \
  "sxtb16 %[wv], %[wv], ror #8\n\t"     \
  "smlad %[a], %[t], %[u], %[a]\n\t"    \
  "smlad %[a], %[xv], %[wv], %[a]\n\t"

static int32_t dot_row(const int8_t *x, const int8_t *w, int groups, int32_t acc) {
  uint32_t a = (uint32_t)acc, xv, wv, t, u;
  const int8_t *px = x, *pw = w;
  int pairs = groups >> 1;
  __asm__("cbz %[n], 2f\n\t"
          "1:\n\t" GROUP GROUP
          "subs %[n], %[n], #1\n\t"
          "bne 1b\n\t"
          "2:\n\t"
          "tst %[g], #1\n\t"
          "beq 3f\n\t" GROUP
          "3:"
          : [a] "+r"(a), [xv] "=&r"(xv), [wv] "=&r"(wv), [t] "=&r"(t), [u] "=&r"(u),
            [x] "+r"(px), [p] "+r"(pw), [n] "+r"(pairs)
          : [g] "r"(groups), "m"(*(const input_bytes *)x), "m"(*(const input_bytes *)w)
          : "cc");
  return (int32_t)a;
}
#undef GROUP

/* acc + Σ_{i<n} x[i]·w[i] for the last n < 4 inputs. */
static inline int32_t dot_tail(const int8_t *x, const int8_t *w, int n, int32_t acc) {
  for (int i = 0; i < n; i++) acc += (int32_t)x[i] * w[i];
  return acc;
}

/* The sigmoid output of §10 (one unit in every model: not worth inlining). */
__attribute__((noinline)) static int8_t sigmoid_output(int32_t acc, int shift,
                                                       const int16_t *table, int pre_dec) {
  return (int8_t)__ssat(iegm_rshift(iegm_lut(table, iegm_rshift(acc, shift), pre_dec), 8), 8);
}

/* y[o] from its accumulator, |acc| ≤ 2^29 + N_in·2^14 ≤ 2^30 for N_in ≤ 2^15. */
__attribute__((always_inline)) static inline int8_t activate(int32_t acc, int shift, int act,
                                                             const int16_t *table,
                                                             int pre_dec) {
  if (act == IEGM_ACT_SIGMOID) return sigmoid_output(acc, shift, table, pre_dec);
  const int32_t v = iegm_rshift(acc, shift);
  return (int8_t)(act == IEGM_ACT_RELU ? (int32_t)__usat(v, 7) : __ssat(v, 8));
}

void iegm_dense_s8(const int8_t *x, int N_in, const int8_t *w, const int32_t *bias,
                   const uint8_t *shift, int N_out, int act, const int16_t *table, int pre_dec,
                   int8_t *y) {
  const int groups = N_in >> 2, whole = N_in & ~3, tail = N_in & 3;
  int32_t acc[4];
  for (int o = 0; o < N_out;) {
    /* Four rows per pass while four remain, then one. */
    const int rows = N_out - o >= 4 && groups > 0 ? 4 : 1;
    const int8_t *row = w + o * N_in;
    for (int r = 0; r < rows; r++) acc[r] = bias[o + r];
    if (rows == 4) {
      dot_rows4(x, row, N_in, groups, acc);
    } else if (groups > 0) {
      acc[0] = dot_row(x, row, groups, acc[0]);
    }
    for (int r = 0; r < rows; r++, o++, row += N_in) {
      const int32_t sum = dot_tail(x + whole, row + whole, tail, acc[r]);
      y[o] = activate(sum, shift[o], act, table, pre_dec);
    }
  }
}
