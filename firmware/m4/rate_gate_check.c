/*
 * Cortex-M4 check program for iegm_twice_median_beat_interval_s8 under QEMU
 * (tests/firmware/rate_gate_test.ts, bench/rate_gate_instructions.ts): reads rate_segments.bin
 * through semihosting, calls the estimator on each segment, and writes rate_results.bin. The
 * first call is bracketed by the marker functions that the instruction counter looks for in
 * QEMU's execution log; every call runs on a freshly painted stack window, so the peak stack of
 * each is measured.
 *
 * Files (little-endian, each starting with an 8-byte magic and a u32 version, checked here):
 * - rate_segments.bin ("IEGMRGS\0", version 1): u32 count, then per segment a u32 length
 *   n ∈ [1, IEGM_RATE_GATE_MAX_N] and n int8 samples.
 * - rate_results.bin ("IEGMRGR\0", version 1): u32 count, then the int32 result of each
 *   segment, then u32 the largest stack use of any call in bytes (below the caller's stack
 *   pointer).
 *
 * Segment i is placed at an address ≡ i (mod 4), so the estimator is run on every alignment.
 * Exit codes: 0 done, 2 bad input file, 4 cannot write, 5 a call used more than the painted
 * window.
 */
#include <stdint.h>

#include "iegm_kernels.h"
#include "le_bytes.h"
#include "semihost.h"

enum {
  VERSION = 1,
  HEADER_BYTES = 16, /* magic, version, count */
  STACK_PATTERN = 0x5AA5C33Cu,
  /* Painted bytes below main's stack pointer: six times the reference estimator's 168. */
  STACK_WINDOW = 1024,
};

/** Empty marker functions: their first instruction in the exec log brackets one call. */
__attribute__((noinline)) void iegm_mark_begin(void) { __asm__ volatile(""); }
__attribute__((noinline)) void iegm_mark_end(void) { __asm__ volatile(""); }

/* [IEGM_RATE_GATE_MAX_N + 3] int8: a segment at offset i mod 4 of a word-aligned buffer. */
static int8_t buffer[IEGM_RATE_GATE_MAX_N + 3] __attribute__((aligned(4)));

static uintptr_t stack_pointer(void) {
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

int main(void) {
  uint8_t header[HEADER_BYTES];
  const int32_t in = semihost_open("rate_segments.bin", 1);
  if (in < 0 || semihost_read(in, header, HEADER_BYTES) != 0) return 2;
  if (!same_bytes(header, "IEGMRGS", 8) || read_u32(header + 8) != VERSION) return 2;
  const uint32_t count = read_u32(header + 12);
  const int32_t out = semihost_open("rate_results.bin", 5);
  if (out < 0) return 4;
  const uint32_t out_header[4] = {0x4d474549u, 0x00524752u, VERSION, count};
  if (semihost_write(out, out_header, HEADER_BYTES) != 0) return 4;
  uint32_t stack = 0;
  /* The calls below use the stack beneath sp; main's own frame lies above it. */
  uint32_t *const window = (uint32_t *)(stack_pointer() - STACK_WINDOW);
  for (uint32_t i = 0; i < count; i++) {
    uint8_t length[4];
    if (semihost_read(in, length, 4) != 0) return 2;
    const uint32_t n = read_u32(length);
    if (n < 1 || n > IEGM_RATE_GATE_MAX_N) return 2;
    int8_t *const x = buffer + (i & 3);
    if (semihost_read(in, x, n) != 0) return 2;
    for (uint32_t w = 0; w < STACK_WINDOW / 4; w++) window[w] = STACK_PATTERN;
    int32_t result;
    if (i == 0) {
      iegm_mark_begin();
      result = iegm_twice_median_beat_interval_s8(x, (int32_t)n);
      iegm_mark_end();
    } else {
      result = iegm_twice_median_beat_interval_s8(x, (int32_t)n);
    }
    uint32_t untouched = 0;
    while (untouched < STACK_WINDOW / 4 && window[untouched] == STACK_PATTERN) untouched++;
    if (untouched == 0) return 5;
    const uint32_t used = STACK_WINDOW - 4 * untouched;
    if (used > stack) stack = used;
    if (semihost_write(out, &result, 4) != 0) return 4;
  }
  if (semihost_write(out, &stack, 4) != 0) return 4;
  semihost_close(in);
  semihost_close(out);
  return 0;
}
