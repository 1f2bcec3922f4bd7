/*
 * conv1d with fused ReLU and max-pool for a single-channel input at stride 2 (nnom's branches
 * on the raw segment): Cortex-M4 DSP version, docs/int8-spec.md §5, equal to
 * ref/conv1d_s8.c bit for bit. A file of its own so that an image links it only when the
 * generated model calls it (lib/codegen picks it from the layer's shape); other shapes take
 * iegm_conv1d_s8.
 *
 * The input regrouped as int16 sample pairs, so a position is J = ceil(K/2) pair products
 * (SMLAD, two per instruction); pool 4 with K = 5, 9, 13 in assembly. Requantization, ReLU and
 * the pool's max commute (see conv1d_s8.c), so one requantization per output.
 */
#include <arm_acle.h>

#include "iegm_arith.h"
#include "iegm_kernels.h"

/*
 * Single-channel input, stride 2 (the nnom branches on the raw segment). Position t reads
 * x[2t − p .. 2t − p + K − 1], so with the input regrouped as int16 pairs
 * Q[m] = (x[2m − p], x[2m − p + 1]) (zero outside x: the padding), position t is
 * Σ_{i<J} SMLAD(Q[t + i], wp[i]) with the filter as pairs wp[i] = (w[2i], w[2i + 1]),
 * J = ceil(K/2), w[K] = 0 for odd K. Consecutive positions are consecutive pairs, so each
 * loaded pair feeds every position of a pool window that uses it, with the window's
 * accumulators and the filter pairs in registers. The pairs are built once per chunk of rows
 * (on the stack) and serve every filter.
 */
enum { PAIR_TAPS_MAX = 8, PAIR_CHUNK = 64 };

/* (x[a], x[a + 1]) as int16 lanes, zero outside [0, T_in): a pair at the padding. */
static uint32_t pair_at(const int8_t *x, int T_in, int a) {
  const int32_t lo = a >= 0 && a < T_in ? x[a] : 0;
  const int32_t hi = a + 1 >= 0 && a + 1 < T_in ? x[a + 1] : 0;
  return (uint16_t)lo | (uint32_t)hi << 16;
}

/* Q[m0 .. m0 + n) of x (T_in samples, pad p before): four samples per word in the interior. */
static void make_pairs(const int8_t *x, int T_in, int p, int m0, int n, uint32_t *q) {
  int m = m0;
  const int end = m0 + n;
  for (; m < end && 2 * m - p < 0; m++) { /* left padding */
    q[m - m0] = pair_at(x, T_in, 2 * m - p);
  }
  /* Interior: groups of four pairs (eight samples) while they lie inside x. */
  int groups = (end - m) >> 2;
  const int inside = (T_in - (2 * m - p)) >> 3;
  if (groups > inside) groups = inside;
  if (groups > 0) {
    const int8_t *px = x + 2 * m - p;
    uint32_t *pq = q + (m - m0);
    uint32_t v, e, o, t;
    int count = groups;
    /* Per word: SXTB16 gives (x0, x2) and (x1, x3); PKHBT and PKHTB make (x0, x1), (x2, x3). */
#define WORD_TO_PAIRS(OFF)                        \
  "ldr %[v], [%[px], #" #OFF "]\n\t"              \
  "sxtb16 %[e], %[v]\n\t"                         \
  "sxtb16 %[o], %[v], ror #8\n\t"                 \
  "pkhbt %[t], %[e], %[o], lsl #16\n\t"           \
  "pkhtb %[o], %[o], %[e], asr #16\n\t"           \
  "strd %[t], %[o], [%[pq]], #8\n\t"
    __asm__ volatile("1:\n\t" WORD_TO_PAIRS(0) WORD_TO_PAIRS(4)
                     "adds %[px], %[px], #8\n\t"
                     "subs %[count], %[count], #1\n\t"
                     "bne 1b"
                     : [px] "+r"(px), [pq] "+r"(pq), [count] "+r"(count), [v] "=&r"(v),
                       [e] "=&r"(e), [o] "=&r"(o), [t] "=&r"(t)
                     :
                     : "cc", "memory");
#undef WORD_TO_PAIRS
    m += 4 * groups;
  }
  for (; m < end; m++) { /* the rest: right padding and the last pairs */
    q[m - m0] = pair_at(x, T_in, 2 * m - p);
  }
}

/*
 * Rows of one filter over pairs q (q[0] = the pairs of the first row's first position), any J
 * and pool: max over the window of Σ_{i<J} SMLAD(q[j + i], wp[i]), then requantization.
 */
static void pair_rows_any(const uint32_t *q, const uint32_t *wp, int J, int P, int rows,
                          int32_t addend, int shift, int32_t floor, int8_t *out, int out_step) {
  for (int r = 0; r < rows; r++, q += P, out += out_step) {
    int32_t best = INT32_MIN;
    for (int j = 0; j < P; j++) {
      uint32_t acc = 0;
      for (int i = 0; i < J; i++) acc = __smlad(q[j + i], wp[i], acc);
      best = (int32_t)acc > best ? (int32_t)acc : best;
    }
    const int32_t v = __ssat((best + addend) >> shift, 8);
    *out = (int8_t)(v < floor ? floor : v);
  }
}

/*
 * Pool 4, J = 3, 5, 7 filter pairs (the nnom branches, K = 5, 9, 13), in assembly: the filter
 * pairs and the four accumulators in registers for all rows, each of the J + 3 pairs of a row
 * loaded once and fed to every position that uses it (SMUAD starts a position, SMLAD
 * continues it), the max over the window by compares, and the row's maximum stored
 * POOL_BEST_OFFSET bytes after its first pair (q[PAIR_CHUNK + 4r]); the requantization is C.
 * Each position sums ≤ 2J products of ≤ 2^14.
 */
#define POOL_BEST_OFFSET "256" /* = 4 · PAIR_CHUNK */
#define WLOAD(i) "ldr %[w" #i "], [%[v], #" #i "*4]\n\t"
#define PAIR(k) "ldr %[v], [%[q], #" #k "*4]\n\t"
#define FIRST(j) "smuad %[a" #j "], %[v], %[w0]\n\t"
#define MAC(j, i) "smlad %[a" #j "], %[v], %[w" #i "], %[a" #j "]\n\t"
#define POOL_MAX_STORE                                                                       \
  "cmp %[a0], %[a1]\n\tit lt\n\tmovlt %[a0], %[a1]\n\t"                                    \
  "cmp %[a0], %[a2]\n\tit lt\n\tmovlt %[a0], %[a2]\n\t"                                    \
  "cmp %[a0], %[a3]\n\tit lt\n\tmovlt %[a0], %[a3]\n\t"                                    \
  "str %[a0], [%[q], #" POOL_BEST_OFFSET "]\n\t"                                            \
  "adds %[q], %[q], #16\n\t"                                                                \
  "ldr %[v], %[end]\n\t"                                                                    \
  "cmp %[q], %[v]\n\t"                                                                      \
  "bne 1b"
#define POOL_OPERANDS                                                                        \
  [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [v] "+&r"(v),             \
      [q] "+&r"(q)                                                                          \
      : [end] "m"(end)                                                                      \
      : "cc", "memory"

static void pool4_rows_j3(uint32_t *q, const uint32_t *w, int rows) {
  const uint32_t *end = q + 4 * rows;
  uint32_t w0, w1, w2, a0, a1, a2, a3, v = (uint32_t)w;
  __asm__ volatile(WLOAD(0) WLOAD(1) WLOAD(2) "1:\n\t"
          PAIR(0) FIRST(0)
          PAIR(1) MAC(0, 1) FIRST(1)
          PAIR(2) MAC(0, 2) MAC(1, 1) FIRST(2)
          PAIR(3) MAC(1, 2) MAC(2, 1) FIRST(3)
          PAIR(4) MAC(2, 2) MAC(3, 1)
          PAIR(5) MAC(3, 2)
          POOL_MAX_STORE
          : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), POOL_OPERANDS);
}

static void pool4_rows_j5(uint32_t *q, const uint32_t *w, int rows) {
  const uint32_t *end = q + 4 * rows;
  uint32_t w0, w1, w2, w3, w4, a0, a1, a2, a3, v = (uint32_t)w;
  __asm__ volatile(WLOAD(0) WLOAD(1) WLOAD(2) WLOAD(3) WLOAD(4) "1:\n\t"
          PAIR(0) FIRST(0)
          PAIR(1) MAC(0, 1) FIRST(1)
          PAIR(2) MAC(0, 2) MAC(1, 1) FIRST(2)
          PAIR(3) MAC(0, 3) MAC(1, 2) MAC(2, 1) FIRST(3)
          PAIR(4) MAC(0, 4) MAC(1, 3) MAC(2, 2) MAC(3, 1)
          PAIR(5) MAC(1, 4) MAC(2, 3) MAC(3, 2)
          PAIR(6) MAC(2, 4) MAC(3, 3)
          PAIR(7) MAC(3, 4)
          POOL_MAX_STORE
          : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [w4] "=&r"(w4),
            POOL_OPERANDS);
}

static void pool4_rows_j7(uint32_t *q, const uint32_t *w, int rows) {
  const uint32_t *end = q + 4 * rows;
  uint32_t w0, w1, w2, w3, w4, w5, w6, a0, a1, a2, a3, v = (uint32_t)w;
  __asm__ volatile(WLOAD(0) WLOAD(1) WLOAD(2) WLOAD(3) WLOAD(4) WLOAD(5) WLOAD(6) "1:\n\t"
          PAIR(0) FIRST(0)
          PAIR(1) MAC(0, 1) FIRST(1)
          PAIR(2) MAC(0, 2) MAC(1, 1) FIRST(2)
          PAIR(3) MAC(0, 3) MAC(1, 2) MAC(2, 1) FIRST(3)
          PAIR(4) MAC(0, 4) MAC(1, 3) MAC(2, 2) MAC(3, 1)
          PAIR(5) MAC(0, 5) MAC(1, 4) MAC(2, 3) MAC(3, 2)
          PAIR(6) MAC(0, 6) MAC(1, 5) MAC(2, 4) MAC(3, 3)
          PAIR(7) MAC(1, 6) MAC(2, 5) MAC(3, 4)
          PAIR(8) MAC(2, 6) MAC(3, 5)
          PAIR(9) MAC(3, 6)
          POOL_MAX_STORE
          : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [w4] "=&r"(w4),
            [w5] "=&r"(w5), [w6] "=&r"(w6), POOL_OPERANDS);
}

#undef POOL_BEST_OFFSET
#undef WLOAD
#undef PAIR
#undef FIRST
#undef MAC
#undef POOL_MAX_STORE
#undef POOL_OPERANDS

/*
 * out[r·out_step] = sat8((best[4r] + addend) >> shift), then ReLU, for r < rows; on its own so
 * that its few values stay in registers. With ReLU, max(sat8(v), 0) = USAT(v, 7): one
 * instruction. best + bias ≤ 2^30, + 2^(shift−1) < 2^31.
 */
__attribute__((noinline)) static void requantize_rows(const uint32_t *best, int rows,
                                                      int32_t addend, int shift, int relu,
                                                      int8_t *out, int out_step) {
  const uint32_t *const end = best + 4 * rows;
  if (relu) {
    for (; best != end; best += 4, out += out_step) {
      *out = (int8_t)__usat(((int32_t)*best + addend) >> shift, 7);
    }
  } else {
    for (; best != end; best += 4, out += out_step) {
      *out = (int8_t)__ssat(((int32_t)*best + addend) >> shift, 8);
    }
  }
}

static void conv_c1s2(const int8_t *x, int T_in, const int8_t *w, const int32_t *bias,
                      const uint8_t *shift, int C_out, int K, int pad_before, int T_out, int pool,
                      int relu, int8_t *y, int y_row_stride) {
  const int J = (K + 1) >> 1;
  uint32_t pairs[PAIR_CHUNK + 4 * PAIR_CHUNK / 4]; /* the pairs, then the pool-4 rows' maxima */
  uint32_t fp[PAIR_TAPS_MAX];
  /* Rows per chunk: their pool windows plus the J − 1 pairs the last position reads. */
  const int chunk_rows = (PAIR_CHUNK - (J - 1)) / pool;
  const int32_t floor = relu ? 0 : -128;
  for (int to0 = 0; to0 < T_out; to0 += chunk_rows) {
    const int rows = T_out - to0 < chunk_rows ? T_out - to0 : chunk_rows;
    make_pairs(x, T_in, pad_before, to0 * pool, rows * pool + J - 1, pairs);
    for (int c = 0; c < C_out; c++) {
      const int8_t *f = w + c * K;
      /* (w[2i], w[2i+1]): the two bytes also copied one byte up put w[2i+1] in byte 2, and
       * SXTB16 takes bytes 0 and 2. An odd K's last pair is (w[K−1], 0). */
      for (int i = 0; i < K >> 1; i++) {
        uint16_t two;
        __builtin_memcpy(&two, f + 2 * i, 2);
        fp[i] = __sxtb16((uint32_t)two | (uint32_t)two << 8);
      }
      if (K & 1) fp[J - 1] = (uint16_t)(int16_t)f[K - 1];
      const int s = shift[c];
      const int32_t addend = bias[c] + iegm_round_of(s);
      int8_t *out = y + to0 * y_row_stride + c;
      if (pool == 4 && (J == 3 || J == 5 || J == 7)) {
        if (J == 3) pool4_rows_j3(pairs, fp, rows);
        if (J == 5) pool4_rows_j5(pairs, fp, rows);
        if (J == 7) pool4_rows_j7(pairs, fp, rows);
        requantize_rows(pairs + PAIR_CHUNK, rows, addend, s, relu, out, y_row_stride);
      } else {
        pair_rows_any(pairs, fp, J, pool, rows, addend, s, floor, out, y_row_stride);
      }
    }
  }
}

void iegm_conv1d_c1s2_s8(const int8_t *x, int T_in, int C_in, const int8_t *w,
                         const int32_t *bias, const uint8_t *shift, int C_out, int K, int stride,
                         int pad_before, int T_out, int pool, int relu, int8_t *y,
                         int y_row_stride) {
  if (C_in != 1 || stride != 2 || K > 2 * PAIR_TAPS_MAX || pool > 4) { /* not this path's shape */
    iegm_conv1d_s8(x, T_in, C_in, w, bias, shift, C_out, K, stride, pad_before, T_out, pool,
                   relu, y, y_row_stride);
    return;
  }
  conv_c1s2(x, T_in, w, bias, shift, C_out, K, pad_before, T_out, pool, relu, y, y_row_stride);
}
