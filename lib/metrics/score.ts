/** The contest's score (docs: ../shared/docs/contest.md). */

/** Cycles per counted Cortex-M4 instruction: calibration of QEMU counts against a real board. */
export const CYCLES_PER_INSTRUCTION = 1.22;
/** The contest board's clock. */
export const CLOCK_HZ = 80e6;

/** Estimated latency in ms on the 80 MHz board for `instructions` executed instructions. */
export function latencyMsEstimate(instructions: number): number {
  return instructions * CYCLES_PER_INSTRUCTION / CLOCK_HZ * 1000;
}

/**
 * Score = 100·Fβ + 20·Ln + 20·Mn with Ln = 1 − (L − 1 ms)/199 ms (clamped at 0, not capped
 * at 1) and Mn = 1 − (M − 5 KiB)/251 KiB, M = flash bytes (Code + RO + RW).
 */
export function contestScore(fbeta: number, latencyMs: number, flashBytes: number): number {
  const ln = Math.max(0, 1 - (latencyMs - 1) / 199);
  const flashKiB = flashBytes / 1024;
  const mn = 1 - (flashKiB - 5) / 251;
  return 100 * fbeta + 20 * ln + 20 * mn;
}
