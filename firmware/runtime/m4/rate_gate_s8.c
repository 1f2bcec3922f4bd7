/*
 * Rate gate, twice the median beat interval of an int8 segment: Cortex-M4 DSP version of
 * ref/rate_gate_s8.c (docs/int8-spec.md §14, steps 1–3), equal to it on every input.
 *
 * The reference spends about 33 instructions per sample: a 129-bin histogram of every magnitude,
 * then a sample-by-sample peak scan. Here one SIMD pass summarises the segment, and the scalar
 * work is confined to the few places where a sample can matter:
 * 0. Group maxima: G[g] = max |x| over each group of GROUP = 40 samples, four samples per
 *    instruction.
 * 1. The level L: the r-th largest magnitude, r = n − floor(99 · (n − 1) / 100) ≤ 14 (the
 *    reference's k-th smallest, k = n − r). A group maximum is one sample, so the r-th largest
 *    G, B, is a lower bound of L; a bisection on counts of G finds it. Every sample above B is
 *    in one of the fewer than r groups with G > B, and only their samples above the running
 *    level are counted (level_s8).
 * 2. The beats: a peak has 2·m ≥ L, i.e. m ≥ h = ceil(L/2), so only groups with G ≥ h are read,
 *    and in them only the words with a sample ≥ h or, inside the refractory window of the last
 *    beat b (where a peak only matters if m > m[b]), above m[b]. The peaks of those words, found
 *    four at a time, go through the reference's rule in order (find_beats).
 * 3. The median: of the middle + 1 smallest intervals only.
 * Skipping is the only change: every sample that the reference counts or takes as a beat is
 * read and handled by the reference's own rules, in the same order.
 *
 * The four-sample operations, exact on every int8 byte (lanes are independent, GE flags per
 * lane; the exceptional values are −128 and the thresholds 0 and 128):
 * - |x| by SSUB8 0 − x, which sets GE where 0 − x ≥ 0 (computed in 9 bits, so where x ≤ 0) and
 *   wraps the byte (−(−128) = 0x80), then SEL: −x where x ≤ 0, x elsewhere. As an unsigned byte
 *   that is |x| ∈ [0, 128], 128 included.
 * - "some |x| > T", T ∈ [0, 128], on the raw samples: for T ≤ 127, x ↦ (x + T) mod 256 is a
 *   bijection of [−128, 127] onto [0, 255] mapping [−T, T] onto [0, 2T] (no wrap: 2T ≤ 254), so
 *   |x| ≤ T ⇔ byte(x + T) ≤ 2T, and UQSUB8(UADD8(x, T), 2T) is non-zero exactly in the lanes
 *   with |x| > T. For T = 128 nothing exceeds T, and the limit UQADD8(T, T) saturates at 255,
 *   which keeps the test false.
 * - Unsigned compares of magnitudes (∈ [0, 129]) by USUB8, which sets GE where a ≥ b, and SEL,
 *   or MRS to read the four GE flags as bits.
 * Each flag-setting instruction and its reader are one assembly statement, so no compiler
 * scheduling can put another GE-setting instruction between them.
 *
 * Memory: no malloc; on the stack G (MAX_GROUPS = 32 bytes) and 64 bytes that hold the level's
 * counts (4-bit nibbles, step 1), then the beats (steps 2–3). Measured with arm-none-eabi-gcc
 * 12.2 and the runtime's M4 flags, by painting under QEMU (bench/rate_gate_instructions.ts,
 * tests/firmware/rate_gate_test.ts): 184 bytes at -Os, 180 at -O2; the reference's is 164.
 * Instructions per call, same bench: about 8,300 on real segments at -Os, against 41,900. Built
 * like the rest of the image: -O2 for this file alone saved about 100 instructions per call and
 * cost 380 bytes of flash, which the contest's score values about 190 times more.
 */
#include <arm_acle.h>

#include "iegm_kernels.h"
#include "iegm_m4_simd.h"

/* 200 ms at 250 Hz: a peak closer than this to the previous beat is the same beat. */
enum { REFRACTORY = 50 };

/* Beats are ≥ REFRACTORY apart within [0, n − 1], so there are at most ceil(n / REFRACTORY). */
enum { MAX_BEATS = (IEGM_RATE_GATE_MAX_N + REFRACTORY - 1) / REFRACTORY };

/* The largest r; the level's counts never exceed it and must fit in 4 bits. */
enum { MAX_R = IEGM_RATE_GATE_MAX_N - 99 * (IEGM_RATE_GATE_MAX_N - 1) / 100 };
typedef char iegm_check_rate_gate_r[MAX_R < 16 ? 1 : -1];

/* Samples per group (ten words), and groups of the longest segment: ≤ 32, one bit each in a
 * word; G fills G_WORDS words. */
enum { GROUP = 40, MAX_GROUPS = (IEGM_RATE_GATE_MAX_N + GROUP - 1) / GROUP };
enum { G_WORDS = (MAX_GROUPS + 3) / 4 };
typedef char iegm_check_rate_gate_groups[MAX_GROUPS <= 32 ? 1 : -1];

/* The bytes an assembly block reads through a pointer, for its "m" operand (no VLA type). */
typedef struct {
  int8_t v[IEGM_RATE_GATE_MAX_N];
} segment_bytes;

#define ALWAYS_INLINE __attribute__((always_inline)) static inline

static uint32_t magnitude(int8_t v) { return (uint32_t)(v < 0 ? -v : v); } /* ∈ [0, 128] */

/* ---------------------------------------------------------------- four-sample operations */

/* The magnitudes of the four int8 samples in v, as unsigned bytes ∈ [0, 128]. */
ALWAYS_INLINE uint32_t magnitudes4(uint32_t v) {
  uint32_t m;
  __asm__("ssub8 %0, %1, %2\n\t"
          "sel %0, %0, %2"
          : "=&r"(m)
          : "r"(0), "r"(v)
          : "cc");
  return m;
}

/* Bytes `yes` where a ≥ b (unsigned, per byte), `no` elsewhere. */
ALWAYS_INLINE uint32_t select_at_least(uint32_t a, uint32_t b, uint32_t yes, uint32_t no) {
  uint32_t r;
  __asm__("usub8 %0, %1, %2\n\t"
          "sel %0, %3, %4"
          : "=&r"(r)
          : "r"(a), "r"(b), "r"(yes), "r"(no)
          : "cc");
  return r;
}

/* The test "some |x| > T" of the file's comment, UQSUB8(UADD8(x, bias), limit) ≠ 0: bias = T
 * in every byte, limit = 2T saturated at 255 (only T = 128 saturates). */
typedef struct {
  uint32_t bias, limit;
} threshold4;

ALWAYS_INLINE threshold4 threshold(uint32_t T) { /* T ∈ [0, 128] */
  const uint32_t bias = T * 0x01010101u;
  const threshold4 th = {bias, __uqadd8(bias, bias)};
  return th;
}

/* The first word at p, p + 4, … before end with a sample |x| > T, or end (p < end, end − p a
 * multiple of 4). */
ALWAYS_INLINE const int8_t *next_loud_word(const int8_t *p, const int8_t *end, threshold4 th) {
  uint32_t v;
  __asm__("1:\n\t"
          "ldr %[v], [%[p]], #4\n\t"
          "uadd8 %[v], %[v], %[bias]\n\t"
          "uqsub8 %[v], %[v], %[limit]\n\t"
          "cbnz %[v], 2f\n\t"
          "cmp %[p], %[end]\n\t"
          "bne 1b\n\t"
          "adds %[p], %[p], #4\n"
          "2:\n\t"
          "subs %[p], %[p], #4"
          : [p] "+r"(p), [v] "=&l"(v)
          : [end] "r"(end), [bias] "r"(th.bias), [limit] "r"(th.limit),
            "m"(*(const segment_bytes *)p)
          : "cc");
  return p;
}

/* ---------------------------------------------------------------- step 0: group maxima */

/* |x| of one word of the group into the running lane maxima m (t is scratch). */
#define ABS_MAX_STEP(R)               \
  "ssub8 %[t], %[zero], %[" R "]\n\t" \
  "sel %[" R "], %[t], %[" R "]\n\t"  \
  "usub8 %[t], %[m], %[" R "]\n\t"    \
  "sel %[m], %[m], %[" R "]\n\t"

/*
 * G[g] = max |x| over x[GROUP·g .. GROUP·g + GROUP) ∩ [0, n), as bytes of Gw, zero past the last
 * group. A full group is ten words: their magnitudes are folded into four lane maxima (USUB8 and
 * SEL: the unsigned maximum), and the lanes into one by two more maxima, of the word and itself
 * shifted right by 16, then by 8 (byte 0 ends as the maximum of the four).
 */
static void group_maxima(const int8_t *x, int32_t n, uint32_t *Gw) {
  for (int k = 0; k < G_WORDS; k++) Gw[k] = 0;
  int32_t groups = n / GROUP;
  const int8_t *p = x;
  uint8_t *g = (uint8_t *)Gw;
  if (groups > 0) {
    uint32_t a, b, c, d, m, t;
    __asm__("1:\n\t"
            "ldr %[b], [%[p], #4]\n\t"
            "ldr %[c], [%[p], #8]\n\t"
            "ldr %[d], [%[p], #12]\n\t"
            "ldr %[a], [%[p]], #16\n\t"
            "ssub8 %[t], %[zero], %[a]\n\t"
            "sel %[m], %[t], %[a]\n\t" ABS_MAX_STEP("b") ABS_MAX_STEP("c") ABS_MAX_STEP("d")
            "ldr %[b], [%[p], #4]\n\t"
            "ldr %[c], [%[p], #8]\n\t"
            "ldr %[d], [%[p], #12]\n\t"
            "ldr %[a], [%[p]], #16\n\t" ABS_MAX_STEP("a") ABS_MAX_STEP("b") ABS_MAX_STEP("c")
                ABS_MAX_STEP("d")
            "ldr %[b], [%[p], #4]\n\t"
            "ldr %[a], [%[p]], #8\n\t" ABS_MAX_STEP("a") ABS_MAX_STEP("b")
            "lsr %[t], %[m], #16\n\t"
            "usub8 %[a], %[m], %[t]\n\t"
            "sel %[m], %[m], %[t]\n\t"
            "lsr %[t], %[m], #8\n\t"
            "usub8 %[a], %[m], %[t]\n\t"
            "sel %[m], %[m], %[t]\n\t"
            "strb %[m], [%[g]], #1\n\t"
            "subs %[n], %[n], #1\n\t"
            "bne 1b"
            : [p] "+r"(p), [g] "+r"(g), [n] "+r"(groups), [a] "=&r"(a), [b] "=&r"(b),
              [c] "=&r"(c), [d] "=&r"(d), [m] "=&r"(m), [t] "=&r"(t)
            : [zero] "r"(0), "m"(*(const segment_bytes *)x)
            : "cc", "memory");
  }
  if (p < x + n) { /* the last, partial group */
    uint32_t m = 0;
    for (; p < x + n; p++) {
      const uint32_t v = magnitude(*p);
      m = v > m ? v : m;
    }
    *g = (uint8_t)m;
  }
}

/* #{g : G[g] ≥ v}, v ∈ [1, 255] (the zero bytes past the last group never count): per word, the
 * lanes with G ≥ v become 1 and USADA8 adds the four bytes to the sum. */
static uint32_t count_at_least(const uint32_t *Gw, uint32_t v) {
  const uint32_t v4 = v * 0x01010101u;
  uint32_t sum = 0;
  for (int k = 0; k < G_WORDS; k++) {
    sum = __usada8(select_at_least(Gw[k], v4, 0x01010101u, 0), 0, sum);
  }
  return sum;
}

/* Bit g set iff G[g] ≥ v, for every group (v4 = v ≥ 1 in every byte): USUB8's GE flags, read by
 * MRS from APSR bits 16–19, are the four lanes' answers. */
static uint32_t groups_at_least(const uint32_t *Gw, uint32_t v4) {
  uint32_t mask = 0;
  for (int k = 0; k < G_WORDS; k++) {
    uint32_t ge;
    __asm__("usub8 %0, %1, %2\n\t"
            "mrs %0, apsr"
            : "=&r"(ge)
            : "r"(Gw[k]), "r"(v4)
            : "cc");
    mask |= (ge >> 16 & 0xF) << (4 * k);
  }
  return mask;
}

/* ---------------------------------------------------------------- step 1: the level */

/*
 * The r-th largest magnitude of the samples added so far, counted with r phantom samples of
 * value `level` (its starting value, a lower bound of L): with n ≥ r real samples whose r-th
 * largest is ≥ that value, the phantoms change no r-th largest. Invariants: #{m ≥ level} ≥ r,
 * above = #{m > level} < r, and count(v) = #{m = v} for every v > level, as 4-bit nibbles
 * (count(v) ≤ above + 1 ≤ r < 16). A sample ≤ level changes nothing and is not added; when
 * above reaches r, the level rises past values while #{m > level} stays ≥ r.
 */
typedef struct {
  uint8_t *count; /* [64] nibbles: count(v) at [(v − 1) & 63], the high one iff v > 64 */
  uint32_t level;
  int32_t above, r;
} level_state;

ALWAYS_INLINE void level_add(level_state *s, uint32_t m) {
  if (m <= s->level) return;
  s->count[(m - 1) & 63] += (uint8_t)(m > 64 ? 16 : 1);
  if (++s->above < s->r) return;
  do { /* count(level + 1) leaves `above` as the level passes it */
    const uint32_t c = s->count[s->level & 63];
    s->above -= (int32_t)(s->level < 64 ? c & 15 : c >> 4);
    s->level++;
  } while (s->above >= s->r);
}

/*
 * L, the r-th largest magnitude. B, the largest v ∈ [0, 128] with #{G ≥ v} ≥ r (0 with fewer than
 * r groups), is a lower bound (r groups with G ≥ B hold r samples ≥ B), found by bisection:
 * #{G ≥ v} ≥ r only gets false as v grows. The level starts at B. A sample above the level lies
 * in a group with G above it, so only those groups are read (the level only rises: a group is
 * checked again when reached), and in them only the words with a sample above the level. The
 * last n mod 4 samples are added one by one (level_add ignores those not above the level).
 */
static uint32_t level_s8(const int8_t *x, int32_t n, const uint32_t *Gw, uint32_t *count_words) {
  const uint8_t *const G = (const uint8_t *)Gw;
  const int32_t r = n - 99 * (n - 1) / 100; /* 99 · (n − 1) ≥ 0: / is floor */
  uint32_t lo = 0, hi = 129;                /* #{G ≥ lo} ≥ r or lo = 0; #{G ≥ hi} < r */
  while (hi - lo > 1) {
    const uint32_t mid = (lo + hi) >> 1;
    if ((int32_t)count_at_least(Gw, mid) >= r) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  for (int i = 0; i < 16; i++) count_words[i] = 0;
  level_state s = {(uint8_t *)count_words, lo, 0, r};
  const int8_t *const words_end = x + (n & ~3);
  uint32_t bits = groups_at_least(Gw, (s.level + 1) * 0x01010101u);
  while (bits != 0) {
    const int32_t g = __builtin_ctz(bits);
    bits &= bits - 1;
    if (G[g] <= s.level) continue;
    const int8_t *p = x + GROUP * g;
    const int8_t *const end = words_end - p > GROUP ? p + GROUP : words_end; /* whole words */
    while (p < end) {
      p = next_loud_word(p, end, threshold(s.level));
      if (p == end) break;
      const uint32_t mags = magnitudes4(iegm_load4(p));
      level_add(&s, mags & 0xFF);
      level_add(&s, mags >> 8 & 0xFF);
      level_add(&s, mags >> 16 & 0xFF);
      level_add(&s, mags >> 24);
      p += 4;
    }
  }
  for (const int8_t *p = words_end; p < x + n; p++) level_add(&s, magnitude(*p)); /* n mod 4 */
  return s.level;
}

/* ---------------------------------------------------------------- step 2: the beats */

/*
 * The first word at p, p + 4, … before end that has a sample above T_w if the word lies before
 * ww, above T_h if not; or end. bw: T_w ∈ [0, 128] in every byte; h4: T_h + 1 ∈ [1, 64] in
 * every byte (the limits as in threshold()); p < end; ww − p and end − p are multiples of 4 (ww
 * is an address, possibly past the segment).
 */
ALWAYS_INLINE const int8_t *next_candidate(const int8_t *p, const int8_t *end, uintptr_t ww,
                                           uint32_t bw, uint32_t h4) {
  uint32_t v, lw, lh, bh;
  uintptr_t w_end;
  __asm__("cmp %[p], %[ww]\n\t"
          "bhs 2f\n\t"
          "uqadd8 %[lw], %[bw], %[bw]\n\t"
          "cmp %[ww], %[end]\n\t"
          "ite lo\n\t"
          "movlo %[we], %[ww]\n\t"
          "movhs %[we], %[end]\n"
          "1:\n\t" /* the words before ww: T_w */
          "ldr %[v], [%[p]], #4\n\t"
          "uadd8 %[v], %[v], %[bw]\n\t"
          "uqsub8 %[v], %[v], %[lw]\n\t"
          "cbnz %[v], 4f\n\t"
          "cmp %[p], %[we]\n\t"
          "blo 1b\n"
          "2:\n\t"
          "cmp %[p], %[end]\n\t"
          "bhs 5f\n\t"
          "sub %[bh], %[h4], %[ones]\n\t" /* no borrow: every byte of h4 is ≥ 1 */
          "uqadd8 %[lh], %[bh], %[bh]\n"
          "3:\n\t" /* the others: T_h */
          "ldr %[v], [%[p]], #4\n\t"
          "uadd8 %[v], %[v], %[bh]\n\t"
          "uqsub8 %[v], %[v], %[lh]\n\t"
          "cbnz %[v], 4f\n\t"
          "cmp %[p], %[end]\n\t"
          "blo 3b\n"
          "5:\n\t"
          "adds %[p], %[p], #4\n"
          "4:\n\t"
          "subs %[p], %[p], #4"
          : [p] "+r"(p), [v] "=&l"(v), [lw] "=&r"(lw), [lh] "=&r"(lh), [we] "=&r"(w_end),
            [bh] "=&r"(bh)
          : [end] "r"(end), [ww] "r"(ww), [bw] "r"(bw), [h4] "r"(h4), [ones] "r"(0x01010101u),
            "m"(*(const segment_bytes *)p)
          : "cc");
  return p;
}

/* The magnitudes of x[t .. t + 4) as bytes, 0 outside [0, n) (for the last words). */
static uint32_t magnitudes_at(const int8_t *x, int32_t n, int32_t t) {
  uint32_t m = 0;
  for (int i = 3; i >= 0; i--) {
    const int32_t s = t + i;
    m = m << 8 | (s >= 0 && s < n ? magnitude(x[s]) : 0u);
  }
  return m;
}

/*
 * The reference's rule: t is a peak iff 2·m[t] ≥ level, m[t] ≥ m[t − 1] and m[t] > m[t + 1]
 * (m = 0 outside the segment); a peak within REFRACTORY of the last beat b replaces b iff
 * m[t] > m[b], and any other peak is a new beat. Its state, and the words it reads:
 */
typedef struct {
  int16_t *next;      /* after the last beat in beat[] */
  int32_t window_end; /* b + REFRACTORY; 0 before the first beat */
  uint32_t bw;        /* m[b] in every byte */
} beat_state;

/*
 * The peaks of the word x[t .. t + 4), t = p − x ≡ 0 (mod 4), through the rule, in order. The
 * peaks are the lanes with m ≥ max(m[t − 1], floor) and m > m[t + 1], the neighbours read with
 * unaligned loads one byte to either side; floor = h, or m[b] + 1 (≤ 129) when the word lies
 * wholly inside the window. That floor only leaves out peaks that the rule would drop; the rule
 * itself is applied to every peak let through.
 */
ALWAYS_INLINE void word_beats(beat_state *s, const int8_t *x, int32_t n, const int8_t *p,
                              uint32_t h4) {
  const int32_t t = (int32_t)(p - x);
  uint32_t here, left, right; /* m[t .. t + 4), m[t − 1 .. t + 3), m[t + 1 .. t + 5) */
  if (t + 5 <= n) {
    here = magnitudes4(iegm_load4(p));
    right = magnitudes4(iegm_load4(p + 1));
    left = t > 0 ? magnitudes4(iegm_load4(p - 1)) : here << 8; /* m[−1] = 0 */
  } else { /* the last word or two */
    here = magnitudes_at(x, n, t);
    left = magnitudes_at(x, n, t - 1);
    right = magnitudes_at(x, n, t + 1);
  }
  const uint32_t floor4 = t + 4 <= s->window_end ? s->bw + 0x01010101u : h4;
  const uint32_t need = select_at_least(left, floor4, left, floor4); /* the larger */
  uint32_t mask = select_at_least(here, need, 0x01010101u, 0);
  mask = select_at_least(right, here, 0, mask); /* and m > m[t + 1]: one bit per peak */
  while (mask != 0) {
    const uint32_t bit = (uint32_t)__builtin_ctz(mask);
    mask &= mask - 1;
    const uint32_t m = here >> bit & 0xFF;
    const int32_t peak = t + (int32_t)(bit >> 3);
    if (peak < s->window_end) { /* replaces b iff larger */
      if (m <= (s->bw & 0xFF)) continue;
      s->next[-1] = (int16_t)peak;
    } else {
      *s->next++ = (int16_t)peak;
    }
    s->window_end = peak + REFRACTORY;
    s->bw = m * 0x01010101u;
  }
}

/*
 * The beats, in order, into beat[0 .. return) (at most MAX_BEATS). Read are only the groups with
 * G ≥ h (2m ≥ level ⇔ m ≥ h = ceil(level / 2) for integers) that do not lie wholly inside the
 * window with G ≤ m[b], and in them the words with a sample ≥ h, or > m[b] (≥ h, as m[b] is) for
 * a word wholly inside the window (before (b + REFRACTORY) & ~3). A sample skipped is no peak,
 * or a peak in the window that the rule drops, leaving its state as it was: skipping is exact.
 */
static int32_t find_beats(const int8_t *x, int32_t n, uint32_t level, const uint32_t *Gw,
                          int16_t *beat) {
  const uint8_t *const G = (const uint8_t *)Gw;
  const uint32_t h4 = ((level + 1) >> 1) * 0x01010101u; /* h = ceil(level / 2) ≥ 1 */
  beat_state s = {beat, 0, 0};
  const int8_t *const words_end = x + (n & ~3);
  uint32_t bits = groups_at_least(Gw, h4);
  while (bits != 0) {
    const int32_t g = __builtin_ctz(bits);
    bits &= bits - 1;
    if (GROUP * g + GROUP <= (s.window_end & ~3) && G[g] <= (s.bw & 0xFF)) continue;
    const int8_t *p = x + GROUP * g;
    const int8_t *const end = words_end - p > GROUP ? p + GROUP : words_end; /* whole words */
    while (p < end) {
      p = next_candidate(p, end, (uintptr_t)x + (uint32_t)(s.window_end & ~3), s.bw, h4);
      if (p == end) break;
      word_beats(&s, x, n, p, h4);
      p += 4;
    }
  }
  /* The last n mod 4 samples, if their group can hold a peak (G ≥ h). */
  if (words_end < x + n && G[(words_end - x) / GROUP] >= (h4 & 0xFF)) {
    word_beats(&s, x, n, words_end, h4);
  }
  return (int32_t)(s.next - beat);
}

/* ---------------------------------------------------------------- the estimator */

int32_t iegm_twice_median_beat_interval_s8(const int8_t *x, int32_t n) {
  uint32_t Gw[G_WORDS];
  union {
    uint32_t count_words[16];
    int16_t beat[MAX_BEATS]; /* beat positions ∈ [0, n), then in place the intervals d */
  } scratch;
  group_maxima(x, n, Gw);
  const uint32_t level = level_s8(x, n, Gw, scratch.count_words);
  if (level == 0) return 0; /* a flat segment (99th percentile 0) has no rate */
  const int32_t beats = find_beats(x, n, level, Gw, scratch.beat);
  if (beats < 2) return 0;
  /* Step 3: the intervals d[i] = beat[i + 1] − beat[i] ∈ [REFRACTORY, n − 1] and their middle
   * one or two, the largest of the middle + 1 smallest. Only those are kept, sorted, in
   * d[0 .. kept) (insertion; d[i] is read before any write reaches index i): once middle + 1 are
   * kept, a value not below the largest changes none of them, a smaller one replaces it. The
   * reference sorts all ≤ MAX_BEATS − 1 = 24. */
  const int32_t intervals = beats - 1;
  int16_t *const d = scratch.beat;
  for (int32_t i = 0; i < intervals; i++) d[i] = (int16_t)(d[i + 1] - d[i]);
  const int32_t middle = intervals / 2;
  int32_t kept = 0;
  for (int32_t i = 0; i < intervals; i++) {
    const int16_t v = d[i];
    int32_t j;
    if (kept <= middle) {
      j = kept++;
    } else if (v < d[middle]) {
      j = middle; /* the largest kept one leaves */
    } else {
      continue;
    }
    for (; j > 0 && d[j - 1] > v; j--) d[j] = d[j - 1];
    d[j] = v;
  }
  /* Twice the median, ≤ 2 · (n − 1): exact in integers for an even count too. */
  return intervals % 2 ? 2 * d[middle] : d[middle - 1] + d[middle];
}
