/*
 * The Cortex-M4 SysTick as a 24-bit down-counter on the processor clock. Under QEMU's
 * mps2-an386 the processor clock is 25 MHz of virtual time; with -icount shift=0 virtual time
 * advances 1 ns per executed instruction, so one tick is exactly 40 instructions
 * (docs/board-protocol.md §5). Its interrupt is enabled but never taken (the board runs with
 * PRIMASK set, see wake.h): a wrap only wakes the core from WFI, every 2^24 ticks (0.67 s).
 *
 * The board keeps SysTick stopped while it sleeps waiting for the host's samples: under
 * -icount, a running timer makes QEMU re-arm its clock-warp timer every time the core sleeps,
 * which doubled QEMU's work per received byte (docs/board-protocol.md §6).
 */
#ifndef IEGM_SYSTICK_H
#define IEGM_SYSTICK_H

#include <stdint.h>

/** SysTick's period in ticks. */
#define SYSTICK_PERIOD (1u << 24)

/** Starts SysTick counting down from 2^24 − 1 on the processor clock, wrapping. */
void systick_start(void);

/** Stops SysTick: no timer runs while the core sleeps. */
void systick_stop(void);

/**
 * Sleeps `ticks` in WFI (returns at once for 0): SysTick runs one period of `ticks`, whose wrap
 * wakes the core; leaves SysTick stopped. Uses wake.h, so wake_init() must have run.
 */
void systick_sleep(uint32_t ticks);

/** The current count (counts down). */
uint32_t systick_now(void);

/** Whether the counter wrapped since the previous call (reads and so clears COUNTFLAG). */
int systick_wrapped(void);

/** Ticks from `earlier` to `later` (both systick_now()), correct for spans below one period. */
static inline uint32_t systick_elapsed(uint32_t earlier, uint32_t later) {
  return (earlier - later) & (SYSTICK_PERIOD - 1u);
}

#endif
