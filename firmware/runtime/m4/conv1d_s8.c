/*
 * conv1d with fused ReLU and max-pool: Cortex-M4 DSP version, docs/int8-spec.md §5, equal to
 * ref/conv1d_s8.c bit for bit.
 *
 * Changes of order, all exact:
 * - The multiply-accumulates run on SXTB16 lanes with SMLAD, two products per instruction;
 *   lane order does not matter for a sum, and every partial sum obeys the final bound.
 * - Requantization, ReLU and the pool's max commute (v ↦ relu(sat8(rshift(v + b, s))) is
 *   monotone non-decreasing), so the max is taken over the raw sums and one requantization per
 *   output replaces one per position; the bias may be added before or after the max
 *   (max_j(b + d_j) = b + max_j d_j).
 *
 * Every shape is served here; a single-channel input at stride 2 has a faster kernel of its own,
 * iegm_conv1d_c1s2_s8 (conv1d_c1s2_s8.c), and windows of at most 16 bytes at steps of 4k + 2
 * bytes another, iegm_conv1d_phased_s8 (below), which the generated code calls for those shapes
 * so that images without them do not link them. The path is chosen from the shape at run time:
 * - the input unpacked into SXTB16 lanes with the padding as zeros, filters packed alike, and
 *   either four filters per pass over one position (dot4) or, for two-word steps and windows of
 *   at most 16 bytes (twoblock's first conv), one filter sliding over all positions with its
 *   weights in registers (slide_dots) (conv_lanes);
 * - a small word-by-word loop for windows too large for the lanes' scratch (conv_plain).
 */
#include <arm_acle.h>

#include "iegm_arith.h"
#include "iegm_kernels.h"
#include "iegm_m4_simd.h"

/* The arguments of iegm_conv1d_s8 (iegm_kernels.h), passed on to a path as one pointer. */
typedef struct {
  const int8_t *x; /* [T_in, C_in] */
  int T_in, C_in;
  const int8_t *w; /* [C_out, K, C_in] */
  const int32_t *bias;
  const uint8_t *shift;
  int C_out, K, stride, pad_before, T_out, pool, relu;
  int8_t *y; /* [T_out, C_out] at row stride y_row_stride */
  int y_row_stride;
} conv_args;

/* ---------------------------------------------------------------- lanes */

/*
 * Let V be x with pad_before·C_in zero bytes before it and zeros after it: conv position t is
 * the n = K·C_in bytes of V from t·step, step = stride·C_in. V is unpacked into SXTB16 lanes
 * (per word: bytes 0 and 2, then bytes 1 and 3), so every position, in the padding or not, is
 * G whole groups of four bytes (bytes past n meet zero weights), and no row needs a slow path.
 * When step is a multiple of 4, positions start on word boundaries of V and V is unpacked once
 * per chunk of rows ("contiguous"); otherwise each position's window is unpacked on its own
 * ("gathered"). The filters are packed the same way, four to a block, interleaved by group.
 *
 * Scratch: WS_SCRATCH_WORDS words of stack hold a batch of packed blocks (all of them when
 * they fit), then the lanes of a chunk of rows (and slide_dots' dot products).
 */
enum { WS_SCRATCH_WORDS = 512 }; /* 2 KB */

/* How a shape runs on the lanes path. */
typedef struct {
  int G;          /* groups of four bytes per window, even: dot4 takes pairs of groups */
  int gathered;   /* step not a multiple of 4: each position's window unpacked on its own */
  int slide;      /* two-word steps, G = 4: slide_dots */
  int pos_words;  /* lane words between consecutive positions */
  int batch;      /* packed blocks of four filters per batch */
  int chunk_rows; /* output rows per chunk of lanes */
} lanes_plan;

/*
 * Lane words of a chunk of N conv positions: contiguous, 2·((N − 1)·step/4 + G); gathered, 2G
 * per position; slide_dots (N even), 4 per position and 4 more. The chunk's sums follow them,
 * 4 words per position.
 */
static int lane_words(const lanes_plan *p, int N, int step) {
  if (p->slide) return 4 * N + 4;
  return p->gathered ? 2 * p->G * N : 2 * ((N - 1) * (step >> 2) + p->G);
}

/* The most positions whose lanes and sums fit in `room` words (the inverse of the above). */
static int positions_in(const lanes_plan *p, int room, int step) {
  if (p->slide) return ((room - 4) / 8) & ~1;
  if (p->gathered) return room / (2 * p->G + 4);
  const int s4 = step >> 2, spare = room - 2 * p->G + 2 * s4;
  return spare < 0 ? 0 : spare / (2 * s4 + 4);
}

/* The plan of a shape; batch = 0 when one block and one row do not fit the scratch. */
static lanes_plan plan_lanes(int n, int step, int C_out, int pool) {
  lanes_plan p;
  p.G = ((n + 7) >> 3) << 1;
  p.gathered = (step & 3) != 0;
  p.slide = step == 8 && p.G == 4;
  p.pos_words = p.gathered ? 2 * p.G : step >> 1;
  /* As many blocks as leave room for one row, then as many rows as fit beside them. */
  const int blocks = (C_out + 3) >> 2;
  p.batch = blocks;
  while (p.batch > 0 && positions_in(&p, WS_SCRATCH_WORDS - 8 * p.G * p.batch, step) < pool) {
    p.batch--;
  }
  p.chunk_rows = positions_in(&p, WS_SCRATCH_WORDS - 8 * p.G * p.batch, step) / pool;
  return p;
}

/* x[i .. i + 3] as a word, zero outside [0, X): a word of V at the padding or a tail. */
static uint32_t word_at(const int8_t *x, int X, int i) {
  uint32_t v = 0;
  for (int k = i < 0 ? -i : 0; k < 4 && i + k < X; k++) v |= (uint32_t)(uint8_t)x[i + k] << 8 * k;
  return v;
}

/* The lanes of `words` words of V whose first byte is x[first] (first < 0 in the padding). */
static void unpack_lanes(const int8_t *x, int X, int first, int words, uint32_t *lanes) {
  int j = 0;
  for (; j < words && first + 4 * j < 0; j++, lanes += 2) {
    const uint32_t v = word_at(x, X, first + 4 * j);
    lanes[0] = __sxtb16(v);
    lanes[1] = iegm_sxtb16_ror8(v);
  }
  /* Whole words of x, two per pass: unaligned loads. */
  int inside = j + (X - (first + 4 * j)) / 4;
  if (inside > words) inside = words;
  const int8_t *p = x + first + 4 * j;
  if (inside - j >= 2) {
    int count = (inside - j) >> 1;
    uint32_t v, lo;
    __asm__("1:\n\t"
            "ldr %[v], [%[p]], #4\n\t"
            "sxtb16 %[lo], %[v]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "strd %[lo], %[v], [%[q]], #8\n\t"
            "ldr %[v], [%[p]], #4\n\t"
            "sxtb16 %[lo], %[v]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "strd %[lo], %[v], [%[q]], #8\n\t"
            "subs %[n], %[n], #1\n\t"
            "bne 1b"
            : [p] "+r"(p), [q] "+r"(lanes), [n] "+r"(count), [v] "=&r"(v), [lo] "=&r"(lo)
            :
            : "cc", "memory");
    j += (inside - j) & ~1;
  }
  for (; j < inside; j++, p += 4, lanes += 2) {
    const uint32_t v = iegm_load4(p);
    lanes[0] = __sxtb16(v);
    lanes[1] = iegm_sxtb16_ror8(v);
  }
  for (; j < words; j++, lanes += 2) {
    const uint32_t v = word_at(x, X, first + 4 * j);
    lanes[0] = __sxtb16(v);
    lanes[1] = iegm_sxtb16_ror8(v);
  }
}

/*
 * Packs the blocks [b0, b1) of four filters of n bytes (zero filters past C_out): per block,
 * per group g, per filter the two lane words of its bytes 4g .. 4g + 3 (zeros past n), 8·G
 * words a block.
 */
static void pack_filters(const int8_t *w, int n, int C_out, int G, int b0, int b1,
                         uint32_t *pk) {
  for (int c = 4 * b0; c < 4 * b1; c++) {
    const int8_t *f = w + c * n;
    uint32_t *dst = pk + ((c >> 2) - b0) * 8 * G + (c & 3) * 2;
    const int whole = c < C_out ? n >> 2 : 0; /* groups of four real bytes */
    int g = 0;
    for (; g < whole; g++, dst += 8) {
      const uint32_t v = iegm_load4(f + 4 * g);
      dst[0] = __sxtb16(v);
      dst[1] = iegm_sxtb16_ror8(v);
    }
    for (; g < G; g++, dst += 8) { /* the tail, zero groups, zero filters */
      const uint32_t v = c < C_out ? word_at(f, n, 4 * g) : 0;
      dst[0] = __sxtb16(v);
      dst[1] = iegm_sxtb16_ror8(v);
    }
  }
}

/* sat8(v >> shift), with ReLU max(sat8(·), 0) = USAT(·, 7); v already holds the addend. */
__attribute__((always_inline)) static inline int8_t saturate(int32_t v, int shift, int relu) {
  return (int8_t)(relu ? __usat(v >> shift, 7) : __ssat(v >> shift, 8));
}

/* ------------------------------------------------ four filters per pass */

/*
 * dot4: sums[4t + f] = Σ_g lanes_t[g]·pk[g][f] for the positions t < positions of a chunk and
 * the four filters f of a packed block, position t's lanes starting t·pos_words words into
 * `lanes`. Per group one LDRD of input lanes and per filter one LDRD of weights and two SMLAD;
 * each sum ≤ K·C_in products of ≤ 2^14 (≤ 2^29). Assembly: the compiler does not keep the four
 * sums, two lanes, two weights and the pointers in registers by itself; the loop's constants
 * stay in memory.
 */
#define DOT4_FILTER(A)                         \
  "ldrd %[wa], %[wb], [%[w]], #8\n\t"          \
  "smlad %[" A "], %[l0], %[wa], %[" A "]\n\t" \
  "smlad %[" A "], %[l1], %[wb], %[" A "]\n\t"
#define DOT4_GROUP                  \
  "ldrd %[l0], %[l1], [%[x]], #8\n\t" \
  DOT4_FILTER("a0") DOT4_FILTER("a1") DOT4_FILTER("a2") DOT4_FILTER("a3")

__attribute__((noinline)) static void dot4(const uint32_t *lanes, int pos_words,
                                           const uint32_t *pk, int pairs, int positions,
                                           int32_t *sums) {
  const int32_t *const end = sums + 4 * positions;
  const int skip = 4 * pos_words - 16 * pairs; /* from a window's end to the next window */
  uint32_t a0, a1, a2, a3, l0, l1, wa, wb, n;
  const uint32_t *px = lanes, *pw;
  int32_t *pq = sums;
  /* volatile: its result is the memory it writes, which no operand names. */
  __asm__ volatile("1:\n\t"
          "ldr %[w], %[pk]\n\t"
          "ldr %[n], %[pairs]\n\t"
          "movs %[a0], #0\n\t"
          "movs %[a1], #0\n\t"
          "movs %[a2], #0\n\t"
          "movs %[a3], #0\n\t"
          "2:\n\t" DOT4_GROUP DOT4_GROUP
          "subs %[n], %[n], #1\n\t"
          "bne 2b\n\t"
          "strd %[a0], %[a1], [%[q]], #8\n\t"
          "strd %[a2], %[a3], [%[q]], #8\n\t"
          "ldr %[wa], %[skip]\n\t"
          "add %[x], %[x], %[wa]\n\t"
          "ldr %[wa], %[end]\n\t"
          "cmp %[q], %[wa]\n\t"
          "bne 1b"
          : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [l0] "=&r"(l0),
            [l1] "=&r"(l1), [wa] "=&r"(wa), [wb] "=&r"(wb), [x] "+&r"(px), [w] "=&r"(pw),
            [n] "=&r"(n), [q] "+&r"(pq)
          : [pk] "m"(pk), [pairs] "m"(pairs), [skip] "m"(skip), [end] "m"(end)
          : "cc", "memory");
}
#undef DOT4_FILTER
#undef DOT4_GROUP

/* ------------------------------------------------ one filter sliding */

/*
 * slide_dots: sums[4t] for t < positions (even) of one filter whose lanes W0 .. W7 are w[0],
 * w[1], w[8], w[9], w[16], w[17], w[24], w[25] (its column of a packed block of four groups),
 * with two-word steps: position t is lane words 4t .. 4t + 7, so the half that ends position t
 * begins position t + 1. With the eight weights in registers, each loaded pair of lanes feeds
 * both: per position two LDRD, eight SMLAD and a store. Each sum ≤ 16 products of ≤ 2^14. The
 * sums go to every fourth word, dot4's layout, so that one requantization serves both.
 */
#define SLIDE_HALF(A, B)                       \
  "ldrd %[l0], %[l1], [%[x]], #8\n\t"          \
  "smlad %[" A "], %[l0], %[w4], %[" A "]\n\t" \
  "smlad %[" A "], %[l1], %[w5], %[" A "]\n\t" \
  "smuad %[" B "], %[l0], %[w0]\n\t"           \
  "smlad %[" B "], %[l1], %[w1], %[" B "]\n\t" \
  "ldrd %[l0], %[l1], [%[x]], #8\n\t"          \
  "smlad %[" A "], %[l0], %[w6], %[" A "]\n\t" \
  "smlad %[" A "], %[l1], %[w7], %[" A "]\n\t" \
  "smlad %[" B "], %[l0], %[w2], %[" B "]\n\t" \
  "smlad %[" B "], %[l1], %[w3], %[" B "]\n\t" \
  "str %[" A "], [%[q]], #16\n\t"

/* W0 .. W7 of one filter's column of a packed block of four groups, from the address in l0. */
#define LOAD_FILTER_COLUMN              \
  "ldrd %[w0], %[w1], [%[l0]]\n\t"      \
  "ldrd %[w2], %[w3], [%[l0], #32]\n\t" \
  "ldrd %[w4], %[w5], [%[l0], #64]\n\t" \
  "ldrd %[w6], %[w7], [%[l0], #96]\n\t"

__attribute__((noinline)) static void slide_dots(const uint32_t *lanes, const uint32_t *w,
                                                 int positions, int32_t *sums) {
  const int32_t *const end = sums + 4 * positions;
  uint32_t w0, w1, w2, w3, w4, w5, w6, w7, a, b, l1, l0 = (uint32_t)w;
  const uint32_t *px = lanes;
  int32_t *pq = sums;
  /* 14 registers: the weights, two lanes, two sums, two pointers; `end` stays in memory. */
  __asm__ volatile(
      LOAD_FILTER_COLUMN
      "ldrd %[l0], %[l1], [%[x]], #8\n\t" /* the first half of position 0 */
      "smuad %[a], %[l0], %[w0]\n\t"
      "smlad %[a], %[l1], %[w1], %[a]\n\t"
      "ldrd %[l0], %[l1], [%[x]], #8\n\t"
      "smlad %[a], %[l0], %[w2], %[a]\n\t"
      "smlad %[a], %[l1], %[w3], %[a]\n\t"
      "1:\n\t" SLIDE_HALF("a", "b") SLIDE_HALF("b", "a")
      "ldr %[l0], %[end]\n\t"
      "cmp %[q], %[l0]\n\t"
      "bne 1b"
      : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [w4] "=&r"(w4),
        [w5] "=&r"(w5), [w6] "=&r"(w6), [w7] "=&r"(w7), [a] "=&r"(a), [b] "=&r"(b),
        [l0] "+&r"(l0), [l1] "=&r"(l1), [x] "+&r"(px), [q] "+&r"(pq)
      : [end] "m"(end)
      : "cc", "memory");
}
#undef SLIDE_HALF

/* ------------------------------------------------ one filter, two phases */

/*
 * phase_dots: sums[8u] for u < count of one filter (its column of a packed block of four
 * groups, as for slide_dots) over the positions of one phase, position u being lane words
 * u·step .. u·step + 7: a phase's positions are two steps of V apart, step/2 words. The sums
 * go to every eighth word, so that the two phases, started one position apart, interleave in
 * dot4's layout. Per position four LDRD and eight SMLAD; each sum ≤ 16 products of ≤ 2^14.
 */
__attribute__((noinline)) static void phase_dots(const uint32_t *lanes, const uint32_t *w,
                                                 int step, int count, int32_t *sums) {
  const int32_t *const end = sums + 8 * count;
  const uint32_t bytes = 4 * (uint32_t)step; /* from one position's lanes to the next */
  uint32_t w0, w1, w2, w3, w4, w5, w6, w7, a, l1, l0 = (uint32_t)w;
  const uint32_t *px = lanes;
  int32_t *pq = sums;
  /* 14 registers: the weights, two lanes, a sum, two pointers and the step; `end` in memory. */
  __asm__ volatile(
      LOAD_FILTER_COLUMN
      "1:\n\t"
      "ldrd %[l0], %[l1], [%[x]]\n\t"
      "smuad %[a], %[l0], %[w0]\n\t"
      "smlad %[a], %[l1], %[w1], %[a]\n\t"
      "ldrd %[l0], %[l1], [%[x], #8]\n\t"
      "smlad %[a], %[l0], %[w2], %[a]\n\t"
      "smlad %[a], %[l1], %[w3], %[a]\n\t"
      "ldrd %[l0], %[l1], [%[x], #16]\n\t"
      "smlad %[a], %[l0], %[w4], %[a]\n\t"
      "smlad %[a], %[l1], %[w5], %[a]\n\t"
      "ldrd %[l0], %[l1], [%[x], #24]\n\t"
      "smlad %[a], %[l0], %[w6], %[a]\n\t"
      "smlad %[a], %[l1], %[w7], %[a]\n\t"
      "str %[a], [%[q]], #32\n\t"
      "add %[x], %[x], %[bytes]\n\t"
      "ldr %[l0], %[end]\n\t"
      "cmp %[q], %[l0]\n\t"
      "bne 1b"
      : [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3), [w4] "=&r"(w4),
        [w5] "=&r"(w5), [w6] "=&r"(w6), [w7] "=&r"(w7), [a] "=&r"(a), [l0] "+&r"(l0),
        [l1] "=&r"(l1), [x] "+&r"(px), [q] "+&r"(pq)
      : [bytes] "r"(bytes), [end] "m"(end)
      : "cc", "memory");
}
#undef LOAD_FILTER_COLUMN

/* ------------------------------------------------ requantization */

/* The block's bias plus rounding constant, and shift, per filter: rshift(v + b, s) is
 * (v + addend) >> shift. */
typedef struct {
  int32_t addend[4];
  int32_t shift[4];
} block_requant;

/*
 * out[r·out_step] = saturate(addend + max_{j<pool} sums[4(r·pool + j)]) for r < rows: one
 * filter's outputs. best + bias ≤ 2^30, + 2^(shift−1) < 2^31.
 */
__attribute__((always_inline)) static inline void pool_rows(const int32_t *sums, const int pool,
                                                            int rows, int32_t addend,
                                                            int shift, const int relu,
                                                            int8_t *out, int out_step) {
  for (const int32_t *const end = sums + 4 * rows * pool; sums != end; sums += 4 * pool) {
    int32_t best = sums[0];
    for (int j = 1; j < pool; j++) best = sums[4 * j] > best ? sums[4 * j] : best;
    *out = saturate(best + addend, shift, relu);
    out += out_step;
  }
}

/*
 * The outputs of a chunk's rows for the `count` real filters of a block, from its sums. Pool 4
 * with ReLU (twoblock's first conv) and pool 1 (its second) are loops of their own: no
 * per-row dispatch.
 */
__attribute__((noinline)) static void requantize_block(const int32_t *sums, int pool, int rows,
                                                       const block_requant *q, int count,
                                                       int relu, int8_t *out, int out_step) {
  for (int f = 0; f < count; f++) {
    const int32_t addend = q->addend[f];
    const int shift = q->shift[f];
    if (pool == 4 && relu) {
      pool_rows(sums + f, 4, rows, addend, shift, 1, out + f, out_step);
    } else if (pool == 1 && relu) {
      pool_rows(sums + f, 1, rows, addend, shift, 1, out + f, out_step);
    } else {
      pool_rows(sums + f, pool, rows, addend, shift, relu, out + f, out_step);
    }
  }
}

/* ------------------------------------------------ the lanes path */

__attribute__((noinline)) static void conv_lanes(const conv_args *a, const lanes_plan *p) {
  const int8_t *const x = a->x, *const w = a->w;
  const int32_t *const bias = a->bias;
  const uint8_t *const shift = a->shift;
  const int C_in = a->C_in, C_out = a->C_out, pad_before = a->pad_before, T_out = a->T_out;
  const int pool = a->pool, relu = a->relu, y_row_stride = a->y_row_stride;
  int8_t *const y = a->y;
  uint32_t scratch[WS_SCRATCH_WORDS];
  const int n = a->K * C_in, step = a->stride * C_in, X = a->T_in * C_in, G = p->G;
  const int blocks = (C_out + 3) >> 2;
  uint32_t *const pk = scratch, *const lanes = scratch + 8 * G * p->batch;
  block_requant q;
  for (int b0 = 0; b0 < blocks; b0 += p->batch) {
    const int b1 = b0 + p->batch < blocks ? b0 + p->batch : blocks;
    pack_filters(w, n, C_out, G, b0, b1, pk);
    for (int r0 = 0; r0 < T_out; r0 += p->chunk_rows) {
      const int rows = T_out - r0 < p->chunk_rows ? T_out - r0 : p->chunk_rows;
      const int first = r0 * pool * step - pad_before * C_in;
      /* slide_dots takes pairs of positions */
      const int positions = p->slide ? (rows * pool + 1) & ~1 : rows * pool;
      if (p->slide) {
        unpack_lanes(x, X, first, 2 * positions + 2, lanes);
      } else if (p->gathered) {
        for (int t = 0; t < positions; t++) {
          unpack_lanes(x, X, first + t * step, G, lanes + t * 2 * G);
        }
      } else {
        unpack_lanes(x, X, first, ((positions - 1) * step >> 2) + G, lanes);
      }
      int32_t *const sums = (int32_t *)lanes + lane_words(p, positions, step);
      for (int k = b0; k < b1; k++) {
        const uint32_t *const block = pk + (k - b0) * 8 * G;
        const int c0 = 4 * k, count = C_out - c0 < 4 ? C_out - c0 : 4;
        if (p->slide) {
          for (int f = 0; f < count; f++) slide_dots(lanes, block + 2 * f, positions, sums + f);
        } else {
          dot4(lanes, p->pos_words, block, G >> 1, positions, sums);
        }
        for (int f = 0; f < count; f++) {
          q.addend[f] = bias[c0 + f] + iegm_round_of(shift[c0 + f]);
          q.shift[f] = shift[c0 + f];
        }
        requantize_block(sums, pool, rows, &q, count, relu, y + r0 * y_row_stride + c0,
                         y_row_stride);
      }
    }
  }
}

/* ------------------------------------------------ the phased path */

/*
 * Steps of 4k + 2 bytes, windows of at most 16 bytes (G = 4): position t starts at byte
 * first + t·step of V, so the even positions are whole words apart from `first` and the odd
 * ones whole words apart from `first + step`. Each phase is unpacked once per chunk of an even
 * number N of positions, W = phase_words(N, step) words of V, and phase_dots runs each filter
 * over each phase; the sums interleave into dot4's layout for requantize_block. Lane words of a
 * chunk: 2·W per phase, then 4 words of sums per position.
 */
static int phase_words(int N, int step) { return (N / 2 - 1) * (step >> 1) + 4; }

/* The most (even) positions whose two phases' lanes and sums fit in `room` words. */
static int phased_positions_in(int room, int step) {
  return ((room + 2 * step - 16) / (step + 4)) & ~1;
}

/* requantize_block, with pool 5 and ReLU (threeblock's first conv) as a loop of its own. */
static void requantize_phased(const int32_t *sums, int pool, int rows, const block_requant *q,
                              int count, int relu, int8_t *out, int out_step) {
  if (pool != 5 || !relu) {
    requantize_block(sums, pool, rows, q, count, relu, out, out_step);
    return;
  }
  for (int f = 0; f < count; f++) {
    pool_rows(sums + f, 5, rows, q->addend[f], q->shift[f], 1, out + f, out_step);
  }
}

__attribute__((noinline)) static void conv_phased(const conv_args *a) {
  const int8_t *const x = a->x, *const w = a->w;
  const int C_in = a->C_in, C_out = a->C_out, T_out = a->T_out, pool = a->pool;
  const int n = a->K * C_in, step = a->stride * C_in, X = a->T_in * C_in;
  uint32_t scratch[WS_SCRATCH_WORDS];
  /* As many blocks as leave room for one row's positions, then as many rows as fit. */
  const int blocks = (C_out + 3) >> 2;
  int batch = blocks;
  while (batch > 1 && phased_positions_in(WS_SCRATCH_WORDS - 32 * batch, step) < pool + 1) {
    batch--;
  }
  const int chunk_rows = phased_positions_in(WS_SCRATCH_WORDS - 32 * batch, step) / pool;
  uint32_t *const pk = scratch, *const lanes = scratch + 32 * batch;
  block_requant q;
  for (int b0 = 0; b0 < blocks; b0 += batch) {
    const int b1 = b0 + batch < blocks ? b0 + batch : blocks;
    pack_filters(w, n, C_out, 4, b0, b1, pk);
    for (int r0 = 0; r0 < T_out; r0 += chunk_rows) {
      const int rows = T_out - r0 < chunk_rows ? T_out - r0 : chunk_rows;
      const int first = r0 * pool * step - a->pad_before * C_in;
      const int positions = (rows * pool + 1) & ~1, W = phase_words(positions, step);
      unpack_lanes(x, X, first, W, lanes);
      unpack_lanes(x, X, first + step, W, lanes + 2 * W);
      int32_t *const sums = (int32_t *)lanes + 4 * W;
      for (int k = b0; k < b1; k++) {
        const uint32_t *const block = pk + (k - b0) * 32;
        const int c0 = 4 * k, count = C_out - c0 < 4 ? C_out - c0 : 4;
        for (int f = 0; f < count; f++) {
          phase_dots(lanes, block + 2 * f, step, positions / 2, sums + f);
          phase_dots(lanes + 2 * W, block + 2 * f, step, positions / 2, sums + 4 + f);
          q.addend[f] = a->bias[c0 + f] + iegm_round_of(a->shift[c0 + f]);
          q.shift[f] = a->shift[c0 + f];
        }
        requantize_phased(sums, pool, rows, &q, count, a->relu, a->y + r0 * a->y_row_stride + c0,
                          a->y_row_stride);
      }
    }
  }
}

/* ---------------------------------------------------------------- plain */

/*
 * Windows too large for the lanes' scratch (K·C_in above about 200 bytes; no model of the
 * project comes near): each position's sum word by word from V, small rather than fast.
 */
__attribute__((noinline)) static void conv_plain(const conv_args *a) {
  const int C_in = a->C_in, pool = a->pool;
  const int n = a->K * C_in, step = a->stride * C_in, X = a->T_in * C_in;
  for (int t = 0; t < a->T_out * pool; t++) {
    const int first = t * step - a->pad_before * C_in;
    for (int c = 0; c < a->C_out; c++) {
      uint32_t acc = 0; /* |Σ| ≤ K·C_in·2^14 ≤ 2^29 */
      for (int i = 0; i < n; i += 4) {
        const uint32_t v = word_at(a->x, X, first + i), f = word_at(a->w + c * n, n, i);
        acc = __smlad(__sxtb16(v), __sxtb16(f), acc);
        acc = __smlad(iegm_sxtb16_ror8(v), iegm_sxtb16_ror8(f), acc);
      }
      /* The pool's max on the outputs (requantization is monotone): each window's first
       * position stores, the others merge. */
      int8_t *out = a->y + (t / pool) * a->y_row_stride + c;
      const int s = a->shift[c];
      const int8_t v = saturate((int32_t)acc + a->bias[c] + iegm_round_of(s), s, a->relu);
      if (t % pool == 0 || v > *out) *out = v;
    }
  }
}

void iegm_conv1d_phased_s8(const int8_t *x, int T_in, int C_in, const int8_t *w,
                           const int32_t *bias, const uint8_t *shift, int C_out, int K,
                           int stride, int pad_before, int T_out, int pool, int relu, int8_t *y,
                           int y_row_stride) {
  const int step = stride * C_in;
  /* Not this path's shape, or one block and one row's positions do not fit the scratch. */
  if ((step & 3) != 2 || K * C_in > 16 ||
      phased_positions_in(WS_SCRATCH_WORDS - 32, step) < pool + 1) {
    iegm_conv1d_s8(x, T_in, C_in, w, bias, shift, C_out, K, stride, pad_before, T_out, pool,
                   relu, y, y_row_stride);
    return;
  }
  const conv_args a = {x,      T_in,       C_in,  w,    bias, shift, C_out,       K,
                       stride, pad_before, T_out, pool, relu, y,     y_row_stride};
  conv_phased(&a);
}

void iegm_conv1d_s8(const int8_t *x, int T_in, int C_in, const int8_t *w, const int32_t *bias,
                    const uint8_t *shift, int C_out, int K, int stride, int pad_before, int T_out,
                    int pool, int relu, int8_t *y, int y_row_stride) {
  const conv_args a = {x,      T_in,       C_in,  w,    bias, shift, C_out,       K,
                       stride, pad_before, T_out, pool, relu, y,     y_row_stride};
  const lanes_plan plan = plan_lanes(K * C_in, stride * C_in, C_out, pool);
  if (plan.batch > 0) {
    conv_lanes(&a, &plan);
  } else {
    conv_plain(&a);
  }
}
