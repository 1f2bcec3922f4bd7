/*
 * Reading the little-endian files of the M4 harness programs (firmware/m4/main.c,
 * rate_gate_check.c): a u32 field and a magic compare, on bytes read through semihosting.
 */
#ifndef IEGM_LE_BYTES_H
#define IEGM_LE_BYTES_H

#include <stdint.h>

static inline uint32_t read_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/** 1 iff the n bytes at a equal the n characters of b. */
static inline int same_bytes(const uint8_t *a, const char *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (a[i] != (uint8_t)b[i]) return 0;
  }
  return 1;
}

#endif
