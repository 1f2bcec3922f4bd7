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
 *
 * Three paths, chosen from the shape at run time:
 * - C_in = 1, stride 2, pool ≤ 4 (nnom's branches on the raw segment): the input regrouped as
 *   int16 sample pairs, so a position is J = ceil(K/2) pair products; pool 4 with K = 5, 9, 13
 *   in assembly (conv_c1s2);
 * - pool 2 with whole-word steps (nnom's mixing conv): two filters per pass, each input word
 *   unpacked once for both positions of both filters (pool2_filter_pair);
 * - everything else: one filter at a time over packed filter words (conv_column), or plain
 *   pair dot products for filters longer than 64 taps.
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

/* Filters of up to 4·MAX_GROUPS values (K·C_in) take the packed path: 128 bytes of stack. */
enum { MAX_GROUPS = 16 };

/*
 * Packs one filter of n int8 values for SMLAD: padded with zeros to whole groups of four, each
 * group w0 w1 w2 w3 as the two words (w0, w2) and (w1, w3) of int16 lanes, the lanes SXTB16
 * gives the input bytes. Returns the number of groups.
 */
static int pack_filter(const int8_t *w, int n, uint32_t *packed) {
  const int groups = (n + 3) >> 2;
  for (int g = 0; g < groups; g++) {
    uint32_t lanes[4];
    for (int j = 0; j < 4; j++) {
      lanes[j] = 4 * g + j < n ? (uint16_t)(int16_t)w[4 * g + j] : 0;
    }
    packed[2 * g] = lanes[0] | lanes[2] << 16;
    packed[2 * g + 1] = lanes[1] | lanes[3] << 16;
  }
  return groups;
}

/* Σ over `groups` groups of x · the packed filter, for any number of groups: unrolled by
 * hand four groups per pass (-Os does not unroll loops). */
static inline int32_t packed_dot(const int8_t *x, const uint32_t *packed, int groups) {
  uint32_t acc = 0;
  int g = 0;
#define PACKED_GROUP(k)                                                 \
  do {                                                                  \
    const uint32_t v = iegm_load4(x + 4 * (g + (k)));                   \
    acc = __smlad(__sxtb16(v), packed[2 * (g + (k))], acc);             \
    acc = __smlad(iegm_sxtb16_ror8(v), packed[2 * (g + (k)) + 1], acc); \
  } while (0)
  for (; g + 4 <= groups; g += 4) {
    PACKED_GROUP(0);
    PACKED_GROUP(1);
    PACKED_GROUP(2);
    PACKED_GROUP(3);
  }
  for (; g < groups; g++) PACKED_GROUP(0);
#undef PACKED_GROUP
  return (int32_t)acc;
}

/* The dot product of one window. */
__attribute__((always_inline)) static inline int32_t window_dot(const int8_t *x,
                                                                const uint32_t *packed,
                                                                int groups) {
  return packed_dot(x, packed, groups);
}

/*
 * One output channel over `rows` rows: max over the pool of the window dot products, then
 * bias, one requantization, activation.
 */
__attribute__((always_inline)) static inline void conv_column(
    const int8_t *window, int step, int row_step, const uint32_t *packed, int groups, int pool,
    int rows, int32_t bias, int shift, int32_t round, int relu, int8_t *out, int out_step) {
  /* Bias and rounding constant in one addend; ReLU as a lower bound after saturation. */
  const int32_t addend = bias + round;
  const int32_t floor = relu ? 0 : -128;
  const int8_t *const end = window + rows * row_step;
  for (; window != end; window += row_step, out += out_step) {
    int32_t best = window_dot(window, packed, groups);
    int32_t d;
    /* The pool's other positions, unrolled for windows of up to four (-Os does not unroll). */
    switch (pool) {
      default:
        for (int j = 4; j < pool; j++) {
          d = window_dot(window + j * step, packed, groups);
          best = d > best ? d : best;
        }
        /* fallthrough */
      case 4:
        d = window_dot(window + 3 * step, packed, groups);
        best = d > best ? d : best;
        /* fallthrough */
      case 3:
        d = window_dot(window + 2 * step, packed, groups);
        best = d > best ? d : best;
        /* fallthrough */
      case 2:
        d = window_dot(window + step, packed, groups);
        best = d > best ? d : best;
        /* fallthrough */
      case 1:
        break;
    }
    /* best + bias ≤ 2^30, + 2^(shift−1) < 2^31. */
    const int32_t v = __ssat((best + addend) >> shift, 8);
    *out = (int8_t)(v < floor ? floor : v);
  }
}

/*
 * max over the pool's positions j of Σ_i window[j·step + i]·filter[i] (|·| ≤ 2^29 each), two
 * positions at a time: the path for filters too long to pack.
 */
static int32_t pooled_dot(const int8_t *window, int step, const int8_t *filter, int n,
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

/* ---------------------------------------------------------------- pool 2, word-aligned steps */

/*
 * Two filters over the interior rows with a pool window of 2 whose positions are a whole
 * number of words apart (mixing convolution: C_in = 16, stride 1): each word of the span of an
 * output row is loaded and unpacked once and feeds both positions of both filters. pk holds
 * the two filters packed by pack_filter and interleaved per group (f0 lanes, f1 lanes: four
 * words a group, G groups); s = step / 4 ≤ G words lie between the two positions.
 * Accumulators a<f><j> (filter f, position j) each sum ≤ K·C_in products of ≤ 2^14 (≤ 2^29).
 */
#define WORD_UNPACK                   \
  "ldr %[v], [%[x]], #4\n\t"          \
  "sxtb16 %[lo], %[v]\n\t"            \
  "sxtb16 %[v], %[v], ror #8\n\t"
#define WORD_USE(P, A)                          \
  "ldrd %[wa], %[wb], [%[" P "]], #8\n\t"       \
  "smlad %[" A "], %[lo], %[wa], %[" A "]\n\t"  \
  "smlad %[" A "], %[v], %[wb], %[" A "]\n\t"
#define WORD_LOOP(BODY)                                                                       \
  __asm__ volatile("1:\n\t" WORD_UNPACK BODY "cmp %[x], %[end]\n\t"                          \
                   "bne 1b"                                                                   \
                   : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),       \
                     [x] "+r"(px), [p] "+r"(pp), [q] "+r"(pq), [v] "=&r"(v), [lo] "=&r"(lo),  \
                     [wa] "=&r"(wa), [wb] "=&r"(wb)                                           \
                   : [end] "r"(end)                                                           \
                   : "cc", "memory")

static void pool2_filter_pair(const int8_t *window, int row_step, int s, const uint32_t *pk,
                              int G, int rows, int32_t addend0, int shift0, int32_t addend1,
                              int shift1, int32_t floor, int8_t *out0, int8_t *out1,
                              int out_step) {
  for (int r = 0; r < rows; r++, window += row_step, out0 += out_step, out1 += out_step) {
    uint32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0, v, lo, wa, wb;
    const int8_t *px = window, *end = window + 4 * s;
    const uint32_t *pp = pk, *pq = pk;
    /* Words only the first position reads (groups 0 .. s−1 of its window). */
    WORD_LOOP(WORD_USE("p", "a00") WORD_USE("p", "a10"));
    /* Words both read: group i of the first window, group i − s of the second. */
    end = window + 4 * G;
    WORD_LOOP(WORD_USE("p", "a00") WORD_USE("p", "a10") WORD_USE("q", "a01")
                  WORD_USE("q", "a11"));
    /* Words only the second position reads. */
    end = window + 4 * (G + s);
    WORD_LOOP(WORD_USE("q", "a01") WORD_USE("q", "a11"));
    const int32_t best0 = (int32_t)a00 > (int32_t)a01 ? (int32_t)a00 : (int32_t)a01;
    const int32_t best1 = (int32_t)a10 > (int32_t)a11 ? (int32_t)a10 : (int32_t)a11;
    /* best + bias ≤ 2^30, + 2^(shift−1) < 2^31. */
    const int32_t v0 = __ssat((best0 + addend0) >> shift0, 8);
    const int32_t v1 = __ssat((best1 + addend1) >> shift1, 8);
    *out0 = (int8_t)(v0 < floor ? floor : v0);
    *out1 = (int8_t)(v1 < floor ? floor : v1);
  }
}
#undef WORD_UNPACK
#undef WORD_USE
#undef WORD_LOOP

/* ---------------------------------------------------------------- C_in = 1, stride 2 */

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

/* Not inlined: its chunk buffers and the generic path's packed filters share no frame. */
__attribute__((noinline)) static void conv_c1s2(const int8_t *x, int T_in, const int8_t *w,
                                                const int32_t *bias, const uint8_t *shift,
                                                int C_out, int K, int pad_before, int T_out,
                                                int pool, int relu, int8_t *y, int y_row_stride) {
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

void iegm_conv1d_s8(const int8_t *x, int T_in, int C_in, const int8_t *w, const int32_t *bias,
                    const uint8_t *shift, int C_out, int K, int stride, int pad_before, int T_out,
                    int pool, int relu, int8_t *y, int y_row_stride) {
  if (C_in == 1 && stride == 2 && K <= 2 * PAIR_TAPS_MAX && pool <= 4) {
    conv_c1s2(x, T_in, w, bias, shift, C_out, K, pad_before, T_out, pool, relu, y,
              y_row_stride);
    return;
  }
  const int n = K * C_in;
  const int step = stride * C_in;   /* bytes between consecutive positions' windows */
  const int row_step = pool * step; /* bytes between consecutive output rows' windows */
  const int groups = (n + 3) >> 2;
  const int packed_path = groups <= MAX_GROUPS;
  /* The bytes one output row reads: its pool windows, rounded up to whole groups when packed. */
  const int span = (pool - 1) * step + (packed_path ? 4 * groups : n);
  /* Rows [to_first, to_end) read only inside x; the others touch the padding (or would read
   * past x) and take the plain path. */
  int to_first = 0;
  while (to_first < T_out && to_first * pool * stride - pad_before < 0) to_first++;
  int to_end = T_out;
  while (to_end > to_first &&
         ((to_end - 1) * pool * stride - pad_before) * C_in + span > T_in * C_in) {
    to_end--;
  }
  uint32_t packed[2 * MAX_GROUPS];
  /* Filters two at a time when the pool's two windows are whole words apart and overlap. */
  const int pairs_path = packed_path && pool == 2 && (n & 3) == 0 && (step & 3) == 0 &&
                         step >> 2 < groups; /* every loop below runs at least once */
  if (pairs_path && to_end > to_first) {
    uint32_t packed1[2 * MAX_GROUPS], pk[4 * MAX_GROUPS];
    const int8_t *window = x + (to_first * pool * stride - pad_before) * C_in;
    for (int c = 0; c < C_out; c += 2) {
      const int c1 = c + 1 < C_out ? c + 1 : c; /* an odd last filter is paired with itself */
      pack_filter(w + c * n, n, packed);
      pack_filter(w + c1 * n, n, packed1);
      for (int g = 0; g < groups; g++) {
        pk[4 * g] = packed[2 * g];
        pk[4 * g + 1] = packed[2 * g + 1];
        pk[4 * g + 2] = packed1[2 * g];
        pk[4 * g + 3] = packed1[2 * g + 1];
      }
      pool2_filter_pair(window, row_step, step >> 2, pk, groups, to_end - to_first,
                        bias[c] + iegm_round_of(shift[c]), shift[c],
                        bias[c1] + iegm_round_of(shift[c1]), shift[c1], relu ? 0 : -128,
                        y + to_first * y_row_stride + c, y + to_first * y_row_stride + c1,
                        y_row_stride);
    }
  }
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
    const int rows = to_end - to_first;
    if (pairs_path) {
      /* done above */
    } else if (packed_path) {
      pack_filter(filter, n, packed);
      conv_column(window, step, row_step, packed, groups, pool, rows, b, s, round, relu, out,
                  y_row_stride);
    } else {
      for (int r = 0; r < rows; r++) {
        const int32_t v = iegm_rshift_r(pooled_dot(window, step, filter, n, pool) + b, s, round);
        *out = (int8_t)(relu ? __usat(v, 7) : __ssat(v, 8));
        window += row_step;
        out += y_row_stride;
      }
    }
    for (int to = to_end; to < T_out; to++) {
      y[to * y_row_stride + c] =
          conv_edge(x, T_in, C_in, filter, b, s, K, stride, pad_before, to, pool, relu);
    }
  }
}
