/*
 * Exact decimal → int8 (see decimal_q8.h). The rounding, with x = ±|x| and s = dec + 1:
 *
 *   2y = |x| · 2^s,  A = floor(2y),  f = (2y is not an integer)
 *   x ≥ 0:  floor( y + 1/2) =  (A + 1) >> 1               (halves go up: 2.5 → 3)
 *   x < 0:  floor(−y + 1/2) = −(f ? (A + 1) >> 1 : A >> 1) (halves go up: −2.5 → −2)
 *
 * A and f come from the digits with integers only. Write |x| = I + φ (I integer, 0 ≤ φ < 1)
 * and let F be the first s fraction digits of φ as an integer (s ≥ 1). Then
 *
 *   A = I · 2^s + floor(F / 5^s),   f = (F mod 5^s ≠ 0) or (a later fraction digit ≠ 0),
 *
 * because φ · 2^s lies in [F / 5^s, (F + 1) / 5^s) and no integer lies strictly inside that
 * interval: the digits after the s-th can never carry into the floor. For s ≤ 0 the fraction
 * cannot reach the floor either: A = I >> −s, f = (low bits of I or φ ≠ 0).
 * F < 10^19 < 2^64 and 5^s ≤ 5^19 for s ≤ 19; I ≥ 2^11 (s ≥ 1) or A ≥ 2^11 saturates, since
 * |q| ≤ 128 needs 2y < 258.
 */
#include "decimal_q8.h"

enum {
  S_START,     /* nothing yet */
  S_SIGN,      /* a sign */
  S_INT,       /* integer digits (at least one) */
  S_POINT,     /* "." with no digit before it: a digit must follow */
  S_FRAC,      /* "." after digits, or fraction digits: a complete mantissa */
  S_EXP,       /* "e": a sign or digit must follow */
  S_EXP_SIGN,  /* "e+" or "e-": a digit must follow */
  S_EXP_DIGIT, /* exponent digits: complete */
  S_INVALID,
};

/** |point| and the exponent saturate here, far beyond any value that does not round to 0 or
 * saturate (only a number with over a million digits could notice). */
#define DQ8_LIMIT 1000000
/** 2y at or above this saturates both signs (|q| ≤ 128 needs 2y < 258). */
#define DQ8_A_SATURATED 2048

void dq8_reset(dq8_parser *p) {
  p->state = S_START;
  p->negative = 0;
  p->sticky = 0;
  p->exp_negative = 0;
  p->count = 0;
  p->point = 0;
  p->exponent = 0;
}

static void add_mantissa_digit(dq8_parser *p, uint8_t digit, int fraction) {
  if (p->count == 0 && digit == 0) {
    /* A leading zero: stores nothing; after the point it moves the first digit right. */
    if (fraction && p->point > -DQ8_LIMIT) p->point--;
    return;
  }
  if (p->count < DQ8_MAX_DIGITS) {
    p->digits[p->count++] = digit;
  } else if (digit != 0) {
    p->sticky = 1;
  }
  if (!fraction && p->point < DQ8_LIMIT) p->point++;
}

int dq8_push(dq8_parser *p, char c) {
  const int is_digit = c >= '0' && c <= '9';
  const uint8_t digit = (uint8_t)(c - '0');
  switch (p->state) {
    case S_START:
      if (c == '+' || c == '-') {
        p->negative = c == '-';
        p->state = S_SIGN;
        return 0;
      }
      /* No sign: the same continuations as after one. */
      /* fall through */
    case S_SIGN:
      if (is_digit) {
        add_mantissa_digit(p, digit, 0);
        p->state = S_INT;
      } else if (c == '.') {
        p->state = S_POINT;
      } else {
        break;
      }
      return 0;
    case S_INT:
      if (is_digit) {
        add_mantissa_digit(p, digit, 0);
      } else if (c == '.') {
        p->state = S_FRAC;
      } else if (c == 'e' || c == 'E') {
        p->state = S_EXP;
      } else {
        break;
      }
      return 0;
    case S_POINT:
    case S_FRAC:
      if (is_digit) {
        add_mantissa_digit(p, digit, 1);
        p->state = S_FRAC;
      } else if ((c == 'e' || c == 'E') && p->state == S_FRAC) {
        p->state = S_EXP;
      } else {
        break;
      }
      return 0;
    case S_EXP:
      if (c == '+' || c == '-') {
        p->exp_negative = c == '-';
        p->state = S_EXP_SIGN;
        return 0;
      }
      /* fall through */
    case S_EXP_SIGN:
    case S_EXP_DIGIT:
      if (!is_digit) break;
      p->exponent = p->exponent >= DQ8_LIMIT / 10 ? DQ8_LIMIT : p->exponent * 10 + digit;
      p->state = S_EXP_DIGIT;
      return 0;
    default:
      break;
  }
  p->state = S_INVALID;
  return -1;
}

/** Stored digit `i` (0-based from the first significant digit); 0 outside the stored ones. */
static uint32_t digit_at(const dq8_parser *p, int32_t i) {
  return i >= 0 && i < (int32_t)p->count ? p->digits[i] : 0u;
}

/** Whether a stored digit at index ≥ `from`, or a dropped one, is non-zero. */
static int nonzero_from(const dq8_parser *p, int32_t from) {
  if (p->sticky) return 1;
  for (int32_t i = from < 0 ? 0 : from; i < (int32_t)p->count; i++) {
    if (p->digits[i] != 0) return 1;
  }
  return 0;
}

/**
 * A = floor(|x| · 2^s) (returns DQ8_A_SATURATED when it is at least that) and *fraction = 1
 * when |x| · 2^s is not an integer. |x| = 0.d1 d2 … × 10^point, count ≥ 1.
 */
static uint32_t floor_times_pow2(const dq8_parser *p, int32_t point, int32_t s, int *fraction) {
  /* The integer part I: the first `point` digits. More than 19 digits saturates for s ≥ −17. */
  if (point > 19) return DQ8_A_SATURATED;
  uint64_t integer = 0;
  for (int32_t i = 0; i < point; i++) integer = integer * 10u + digit_at(p, i);
  if (s <= 0) {
    const uint32_t k = (uint32_t)-s;
    const uint64_t a = integer >> k;
    *fraction = (integer & ((1ull << k) - 1u)) != 0 || nonzero_from(p, point);
    return a >= DQ8_A_SATURATED ? DQ8_A_SATURATED : (uint32_t)a;
  }
  if (integer >= DQ8_A_SATURATED) return DQ8_A_SATURATED;
  uint64_t f = 0, five = 1;
  for (int32_t j = 0; j < s; j++) {
    f = f * 10u + digit_at(p, point + j);
    five *= 5u;
  }
  /* < 2^11 · 2^19 + 2^19: fits */
  const uint64_t a = (integer << s) + f / five;
  *fraction = f % five != 0 || nonzero_from(p, point + s);
  return a >= DQ8_A_SATURATED ? DQ8_A_SATURATED : (uint32_t)a;
}

int dq8_finish(const dq8_parser *p, const dq8_format *format, int8_t *q) {
  if (p->state != S_INT && p->state != S_FRAC && p->state != S_EXP_DIGIT) return -1;
  int32_t value = 0; /* zero (any sign) quantizes to 0 */
  if (p->count > 0) {
    const int32_t e = p->exp_negative ? -p->exponent : p->exponent;
    /* both terms are within ±DQ8_LIMIT, so the sum cannot overflow */
    const int32_t point = p->point + e;
    int fraction = 0;
    uint32_t a;
    if (point < -DQ8_LIMIT / 2) {
      a = 0; /* |x| < 10^−500000: 2y < 1/2 for every supported dec */
      fraction = 1;
    } else {
      a = floor_times_pow2(p, point, format->dec + 1, &fraction);
    }
    if (a >= DQ8_A_SATURATED) {
      value = p->negative ? -128 : 127;
    } else if (p->negative) {
      value = -(int32_t)(fraction ? (a + 1u) >> 1 : a >> 1);
    } else {
      value = (int32_t)((a + 1u) >> 1);
    }
    if (value > 127) value = 127; /* sat8 */
    if (value < -128) value = -128;
  }
  /* Clipping x to ±inputClip, then rounding, equals rounding, then clamping to the clip's own
   * rounded values: the rounding is monotone. */
  if (value < format->q_min) value = format->q_min;
  if (value > format->q_max) value = format->q_max;
  *q = (int8_t)value;
  return 0;
}
