/*
 * Rate gate, twice the median beat interval of an int8 segment: reference C, docs/int8-spec.md §14
 * ("Rate gate", steps 1–3; step 4's compare is the caller's). Equal to twiceMedianBeatInterval of
 * lib/data/rate.ts on every int8 segment (null there is 0 here).
 *
 * Memory: no malloc; two stack arrays, count[129] uint8 (step 1; uint16 counts, 258 bytes, would
 * not fit the M4's small stacks) and beat[25] int16 (steps 2–3). Measured with
 * arm-none-eabi-gcc 12.2 -fstack-usage and the runtime's M4 flags: 168 bytes at -Os and -O2 (the
 * helpers inline and the two arrays, never live together, share their slot), 296 at -O0 (the
 * call chain 104 + level_s8 176 + magnitude 16).
 */
#include "iegm_kernels.h"

/* 200 ms at 250 Hz: a peak closer than this to the previous beat is the same beat. */
enum { REFRACTORY = 50 };

/* Beats are ≥ REFRACTORY apart within [0, n − 1], so there are at most ceil(n / REFRACTORY). */
enum { MAX_BEATS = (IEGM_RATE_GATE_MAX_N + REFRACTORY - 1) / REFRACTORY };

/* r = n − floor(99 · (n − 1) / 100) of level_s8 grows with n; it must stay below the 255 at
 * which its counts saturate. */
enum { MAX_R = IEGM_RATE_GATE_MAX_N - 99 * (IEGM_RATE_GATE_MAX_N - 1) / 100 };
typedef char iegm_check_rate_gate_r[MAX_R < UINT8_MAX ? 1 : -1];

static int magnitude(int8_t v) { return v < 0 ? -v : v; } /* ∈ [0, 128]: int, not int8 */

/*
 * Step 1: the level L, the k-th smallest magnitude (0-based), k = floor(99 · (n − 1) / 100).
 * Counted from the top: L is the largest v with #{m ≥ v} ≥ r, r = n − k (#{m ≤ L} > k ⇔
 * #{m > L} < r), and r ≤ MAX_R = 14, so a count may saturate at 255 without changing where the
 * walk down from 128 stops (a saturated bin alone already holds r). The walk ends by v = 0, where
 * the sum is n ≥ r, or ≥ 255 > r with a saturated count.
 */
static int level_s8(const int8_t *x, int32_t n) {
  uint8_t count[129]; /* [v] #{t : m[t] = v}, saturated at 255 */
  for (int v = 0; v <= 128; v++) count[v] = 0;
  for (int32_t t = 0; t < n; t++) {
    const int m = magnitude(x[t]);
    if (count[m] < UINT8_MAX) count[m]++;
  }
  const int32_t r = n - 99 * (n - 1) / 100; /* 99 · (n − 1) ≥ 0: / is floor */
  int level = 128;
  int32_t at_least = count[128]; /* #{m ≥ level}, or ≥ 255 once a count saturated */
  while (at_least < r) at_least += count[--level];
  return level;
}

/*
 * Step 2: the beats, in order, into beat[0..return) (at most MAX_BEATS). t is a peak iff
 * 2·m[t] ≥ level, m[t] ≥ m[t − 1] and m[t] > m[t + 1] (m = 0 outside the segment), the last
 * sample of a plateau. A peak within REFRACTORY of the last beat replaces it iff strictly larger,
 * which moves that beat later, never closer to the one before.
 */
static int32_t find_beats(const int8_t *x, int32_t n, int level, int16_t *beat) {
  int32_t beats = 0;
  int before = 0;             /* m[t − 1] */
  int here = magnitude(x[0]); /* m[t] */
  for (int32_t t = 0; t < n; t++) {
    const int after = t + 1 < n ? magnitude(x[t + 1]) : 0; /* m[t + 1] */
    if (2 * here >= level && here >= before && here > after) {
      if (beats > 0 && t - beat[beats - 1] < REFRACTORY) {
        if (here > magnitude(x[beat[beats - 1]])) beat[beats - 1] = (int16_t)t;
      } else {
        beat[beats++] = (int16_t)t;
      }
    }
    before = here;
    here = after;
  }
  return beats;
}

int32_t iegm_twice_median_beat_interval_s8(const int8_t *x, int32_t n) {
  const int level = level_s8(x, n);
  if (level == 0) return 0; /* a flat segment (99th percentile 0) has no rate */
  int16_t beat[MAX_BEATS]; /* beat positions ∈ [0, n), then in place the intervals d */
  const int32_t beats = find_beats(x, n, level, beat);
  if (beats < 2) return 0;
  /* Step 3: the intervals d[i] = beat[i + 1] − beat[i] ∈ [REFRACTORY, n − 1], sorted. */
  const int32_t intervals = beats - 1;
  int16_t *const d = beat;
  for (int32_t i = 0; i < intervals; i++) d[i] = (int16_t)(beat[i + 1] - beat[i]);
  for (int32_t i = 1; i < intervals; i++) { /* insertion sort of ≤ MAX_BEATS − 1 = 24 */
    const int16_t v = d[i];
    int32_t j = i;
    for (; j > 0 && d[j - 1] > v; j--) d[j] = d[j - 1];
    d[j] = v;
  }
  /* Twice the median, ≤ 2 · (n − 1): exact in integers for an even count too. */
  const int32_t middle = intervals / 2;
  return intervals % 2 ? 2 * d[middle] : d[middle - 1] + d[middle];
}
