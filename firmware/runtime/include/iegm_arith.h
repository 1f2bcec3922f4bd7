/*
 * The int8 specification's arithmetic primitives (docs/int8-spec.md §2, §11, §12), shared by the
 * reference and the Cortex-M4 kernels. Everything is static inline; nothing here allocates,
 * branches on data beyond min/max, or touches floating point.
 */
#ifndef IEGM_ARITH_H
#define IEGM_ARITH_H

#include <stdint.h>

/* The spec relies on >> of a negative int32 being arithmetic (GCC defines it so); check it. */
typedef char iegm_check_arithmetic_shift[((-7) >> 1) == -4 ? 1 : -1];

/** rshift(v, s), round half up: floor(v / 2^s + 1/2); s ∈ [0, 30], v + 2^(s−1) < 2^31. */
static inline int32_t iegm_rshift(int32_t v, int s) {
  return s == 0 ? v : (v + (int32_t)(1u << (s - 1))) >> s;
}

/** The rounding constant of rshift by s: 2^(s−1), or 0 for s = 0. */
static inline int32_t iegm_round_of(int s) {
  return s == 0 ? 0 : (int32_t)1 << (s - 1);
}

/** rshift(v, s) with its rounding constant precomputed (iegm_round_of(s)): no branch. */
static inline int32_t iegm_rshift_r(int32_t v, int s, int32_t round) {
  return (v + round) >> s;
}

/** sat8(v) = min(max(v, −128), 127). */
static inline int32_t iegm_sat8(int32_t v) { return v < -128 ? -128 : v > 127 ? 127 : v; }

/**
 * lut(T, pre, Pg) of §12: the Q0.15 value of f(pre · 2^−Pg) from a 257-entry table over [−8, 8],
 * saturating the index and interpolating linearly. pre_dec Pg ∈ [1, 12].
 */
__attribute__((always_inline)) static inline int32_t iegm_lut(const int16_t *table, int32_t pre,
                                                              int pre_dec) {
  const int32_t limit = (int32_t)1 << (pre_dec + 3); /* x = 8 */
  const int32_t v = pre < -limit ? -limit : pre > limit - 1 ? limit - 1 : pre;
  const int32_t w = (v + limit) << (12 - pre_dec); /* ∈ [0, 65535]: x + 8 in 2^−12 units */
  const int32_t i = w >> 8, f = w & 255;
  /* |T[i+1] − T[i]| ≤ 2^16 and f ≤ 255: the product stays below 2^24. */
  return table[i] + iegm_rshift((table[i + 1] - table[i]) * f, 8);
}

/**
 * The exact integer hard-sigmoid of §11: round(clip(0.2·x + 0.5, 0, 1) · 32768) for
 * x = pre · 2^−Pg, Pg ∈ [1, 12]; result in [0, 32768].
 */
__attribute__((always_inline)) static inline int32_t iegm_hard_sigmoid(int32_t pre, int pre_dec) {
  const int32_t edge = 5 * ((int32_t)1 << (pre_dec - 1)); /* |x| = 2.5 */
  const int32_t pc = pre < -edge ? -edge : pre > edge ? edge : pre;
  /* n = pc · 2^(15−Pg) ∈ [−81920, 81920]; m ∈ [2, 163842]. */
  const uint32_t m = (uint32_t)(pc * ((int32_t)1 << (15 - pre_dec)) + 81922);
  /* floor(m / 5) as a multiply-shift: 209716 = ceil(2^20 / 5), exact for m < 2^18. */
  return (int32_t)(((uint64_t)m * 209716u) >> 20);
}

#endif
