/*
 * Exact decimal text → int8 input sample (docs/board-protocol.md §4; the rounding of
 * docs/int8-spec.md §3): q = clamp(sat8(floor(x · 2^dec + 1/2)), q_min, q_max), where x is the
 * value of the decimal text itself — no float is formed, so no rounding happens before the floor.
 *
 * A token is fed one character at a time (dq8_push), so a number may have any number of
 * digits in O(1) memory; dq8_finish ends it. Accepted form:
 *
 *     [+-]? ( digits [ "." digits? ] | "." digits ) ( [eE] [+-]? digits )?
 *
 * e.g. `-0.0017181`, `1e-05`, `+.5`, `3.`, `-0.0`. Anything else (`nan`, `inf`, `1.2.3`, `1e`,
 * `-`) is not a number.
 */
#ifndef IEGM_DECIMAL_Q8_H
#define IEGM_DECIMAL_Q8_H

#include <stdint.h>

/** The input decs the parser supports: dec + 1 ∈ [−17, 19] keeps every product in 64 bits. */
#define DQ8_DEC_MIN (-18)
#define DQ8_DEC_MAX 18

/**
 * Significant digits kept. The rounding needs the digits from 10^19 (larger values saturate
 * for every supported dec) down to 10^−19 (the dec + 1 ≤ 19 fraction digits that can change
 * the floor, see decimal_q8.c); 40 covers that span, and later digits only matter as "some
 * digit is non-zero", which `sticky` records.
 */
#define DQ8_MAX_DIGITS 40

/** How the value maps to int8: the input tensor's dec and the clip's quantized bounds. */
typedef struct {
  int32_t dec;   /* the input tensor's dec, ∈ [DQ8_DEC_MIN, DQ8_DEC_MAX] */
  int32_t q_min; /* q(−inputClip), or −128 without a clip; ∈ [−128, 0] */
  int32_t q_max; /* q(+inputClip), or 127 without a clip; ∈ [0, 127] */
} dq8_format;

/** A token being parsed. Zero-initialise it, or call dq8_reset, before the first character. */
typedef struct {
  uint8_t state;    /* grammar position, enum in decimal_q8.c */
  uint8_t negative; /* a '-' sign was read */
  uint8_t sticky;   /* a non-zero digit beyond DQ8_MAX_DIGITS was dropped */
  uint8_t exp_negative;
  uint8_t count;                  /* significant digits stored, ≤ DQ8_MAX_DIGITS */
  uint8_t digits[DQ8_MAX_DIGITS]; /* the significant digits, 0..9, first non-zero first */
  int32_t point;                  /* the value is 0.d1 d2 d3… × 10^point (before the exponent) */
  int32_t exponent;               /* the e-part's magnitude, saturated */
} dq8_parser;

/** Makes `p` ready for a new token. */
void dq8_reset(dq8_parser *p);

/**
 * Feeds one character of a token (never whitespace). Returns 0 while the characters so far
 * can still begin a number, −1 once they cannot (the parser then stays invalid).
 */
int dq8_push(dq8_parser *p, char c);

/**
 * Ends the token. Returns 0 and stores the quantized sample in *q when the token is a complete
 * number, −1 otherwise (*q untouched).
 */
int dq8_finish(const dq8_parser *p, const dq8_format *format, int8_t *q);

#endif
