/*
 * Helpers of the Cortex-M4 kernels with the DSP extension (ACLE intrinsics of arm_acle.h):
 * dot products take four int8 pairs per step, each 32-bit word split into two sign-extended
 * 16-bit lanes by SXTB16 (bytes 0 and 2, then bytes 1 and 3 after a rotate by 8), multiplied
 * and added two at a time by SMLAD. Lane order does not matter for a sum, so the result equals
 * the plain loop exactly; integer addition is associative and every partial sum obeys the same
 * bounds as the final one (docs/int8-spec.md: |acc| ≤ 2^30), so no step overflows.
 *
 * int8 tensors are read with unaligned 32-bit loads (LDR allows them on the M4; LDRD/LDM would
 * not), so they need no alignment; LDRD only reads the kernels' own word arrays.
 */
#ifndef IEGM_M4_SIMD_H
#define IEGM_M4_SIMD_H

#include <arm_acle.h>
#include <stdint.h>

/** Bytes 1 and 3 of v sign-extended into two 16-bit lanes: one SXTB16 with its rotate. */
static inline uint32_t iegm_sxtb16_ror8(uint32_t v) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

/** Four int8 values as one word (unaligned load). */
static inline uint32_t iegm_load4(const int8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

#endif
