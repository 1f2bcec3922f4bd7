/*
 * Sleeping until the line has a byte (or SysTick wraps) without any interrupt handler: the
 * board runs with PRIMASK set, so no exception is ever taken, yet WFI still wakes when an
 * enabled interrupt becomes pending (Armv7-M ARM, B1.5.19). Waiting in WFI instead of
 * spinning matters under QEMU: the halted vCPU leaves the host core to QEMU's I/O thread,
 * which delivers the host's bytes one at a time.
 */
#ifndef IEGM_WAKE_H
#define IEGM_WAKE_H

/** Masks exceptions (PRIMASK) and enables UART0's RX interrupt (IRQ 0) as a wake-up source. */
void wake_init(void);

/** Clears the pending UART0 RX and SysTick interrupts, so the next WFI waits for a new event. */
void wake_clear(void);

/** Waits for an interrupt (returns at once if one is already pending). */
void wake_wait(void);

#endif
