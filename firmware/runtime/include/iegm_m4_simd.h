/*
 * Dot products for the Cortex-M4 kernels with the DSP extension (ACLE intrinsics of
 * arm_acle.h): four int8 pairs per step, each 32-bit word split into two sign-extended 16-bit
 * lanes by SXTB16 (bytes 0 and 2, then bytes 1 and 3 after a rotate by 8), multiplied and added
 * two at a time by SMLAD. Lane order does not matter for a sum, so the result equals the plain
 * loop exactly; integer addition is associative and every partial sum obeys the same bounds as
 * the final one (docs/int8-spec.md: |acc| ≤ 2^30), so no step overflows.
 *
 * Words are loaded with unaligned 32-bit loads (LDR allows them on the M4; LDRD/LDM would not),
 * so int8 tensors need no alignment.
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

/** acc + Σ_{i<n} x[i]·w[i], int8 × int8. */
static inline int32_t iegm_dot_s8(const int8_t *x, const int8_t *w, int n, int32_t acc) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint32_t xv = iegm_load4(x + i), wv = iegm_load4(w + i);
    /* Lanes (x0, x2)·(w0, w2) then (x1, x3)·(w1, w3): each product ≤ 2^14. */
    acc = (int32_t)__smlad(__sxtb16(xv), __sxtb16(wv), (uint32_t)acc);
    acc = (int32_t)__smlad(iegm_sxtb16_ror8((xv)), iegm_sxtb16_ror8((wv)), (uint32_t)acc);
  }
  if ((n & 3) == 0) return acc;
  switch (n - i) { /* the last one to three pairs, without a loop */
    case 3:
      acc += (int32_t)x[i + 2] * w[i + 2];
      /* fallthrough */
    case 2:
      acc += (int32_t)x[i + 1] * w[i + 1];
      /* fallthrough */
    case 1:
      acc += (int32_t)x[i] * w[i];
      /* fallthrough */
    default:
      break;
  }
  return acc;
}

/**
 * Two dot products sharing one weight vector, windows `step` bytes apart:
 * *acc0 += Σ_{i<n} x[i]·w[i], *acc1 += Σ_{i<n} x[step + i]·w[i].
 * The loop over groups of four is written in assembly because the compiler spills its ten live
 * values; per group: one weight load unpacked once, then per window one load, two SXTB16 and
 * two SMLAD (16 instructions for 8 multiply-accumulates). The last n mod 4 pairs are plain C.
 */
static inline void iegm_dot2_s8(const int8_t *x, int step, const int8_t *w, int n,
                                int32_t *acc0, int32_t *acc1) {
  uint32_t a0 = (uint32_t)*acc0, a1 = (uint32_t)*acc1;
  const int groups = n >> 2;
  const int8_t *px = x, *pw = w;
  if (groups > 0) {
    uint32_t wv, w13, v, t;
    int count = groups;
    __asm__ volatile(
        "1:\n\t"
        "ldr %[wv], [%[pw]], #4\n\t"
        "sxtb16 %[w13], %[wv], ror #8\n\t"
        "sxtb16 %[wv], %[wv]\n\t"
        "ldr %[v], [%[px]]\n\t"
        "sxtb16 %[t], %[v]\n\t"
        "smlad %[a0], %[t], %[wv], %[a0]\n\t"
        "sxtb16 %[t], %[v], ror #8\n\t"
        "smlad %[a0], %[t], %[w13], %[a0]\n\t"
        "ldr %[v], [%[px], %[step]]\n\t"
        "sxtb16 %[t], %[v]\n\t"
        "smlad %[a1], %[t], %[wv], %[a1]\n\t"
        "sxtb16 %[t], %[v], ror #8\n\t"
        "smlad %[a1], %[t], %[w13], %[a1]\n\t"
        "adds %[px], %[px], #4\n\t"
        "subs %[count], %[count], #1\n\t"
        "bne 1b"
        : [a0] "+r"(a0), [a1] "+r"(a1), [px] "+r"(px), [pw] "+r"(pw), [count] "+r"(count),
          [wv] "=&r"(wv), [w13] "=&r"(w13), [v] "=&r"(v), [t] "=&r"(t)
        : [step] "r"(step)
        : "cc", "memory");
  }
  int32_t s0 = (int32_t)a0, s1 = (int32_t)a1;
  const int8_t *px1 = px + step;
  switch (n & 3) { /* the last one to three pairs, without a loop */
    case 3:
      s0 += (int32_t)px[2] * pw[2];
      s1 += (int32_t)px1[2] * pw[2];
      /* fallthrough */
    case 2:
      s0 += (int32_t)px[1] * pw[1];
      s1 += (int32_t)px1[1] * pw[1];
      /* fallthrough */
    case 1:
      s0 += (int32_t)px[0] * pw[0];
      s1 += (int32_t)px1[0] * pw[0];
      /* fallthrough */
    default:
      break;
  }
  *acc0 = s0;
  *acc1 = s1;
}

#endif
