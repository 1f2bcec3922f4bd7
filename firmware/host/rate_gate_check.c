/*
 * Host check program for iegm_twice_median_beat_interval_s8 (tests/firmware/rate_gate_test.ts):
 * reads segments from stdin, each a little-endian u32 length n ∈ [1, IEGM_RATE_GATE_MAX_N] and
 * then n int8 samples, until the end of the input, and prints the function's result for each on
 * its own line.
 *
 * Usage: rate_gate_check < SEGMENTS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "iegm_kernels.h"

static void fail(const char *message, long segment) {
  fprintf(stderr, "rate_gate_check: segment %ld: %s\n", segment, message);
  exit(1);
}

int main(void) {
  static int8_t x[IEGM_RATE_GATE_MAX_N];
  unsigned char header[4];
  long segment = 0;
  size_t got;
  for (; (got = fread(header, 1, 4, stdin)) == 4; segment++) {
    const uint32_t n = (uint32_t)header[0] | (uint32_t)header[1] << 8 |
                       (uint32_t)header[2] << 16 | (uint32_t)header[3] << 24;
    if (n < 1 || n > IEGM_RATE_GATE_MAX_N) fail("length not in [1, IEGM_RATE_GATE_MAX_N]", segment);
    if (fread(x, 1, n, stdin) != n) fail("input ends inside the segment", segment);
    printf("%ld\n", (long)iegm_twice_median_beat_interval_s8(x, (int32_t)n));
  }
  if (ferror(stdin)) fail("cannot read the input", segment);
  if (got != 0) fail("input ends inside the length", segment);
  return 0;
}
