/*
 * Reset and vector table for QEMU's mps2-an386: the smallest start-up that runs C. The reset
 * handler copies .data from flash, zeroes .bss, calls main() and reports its return value to
 * the host as the exit code through semihosting. Every fault ends the run with exit code 3 so
 * a crash is never mistaken for a result.
 */
#include <stdint.h>

#include "semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);

/** Entry point named in link.ld; never returns. */
void iegm_reset(void);

void iegm_reset(void) {
  const uint32_t *from = __data_load;
  for (uint32_t *to = __data_start; to < __data_end;) *to++ = *from++;
  for (uint32_t *to = __bss_start; to < __bss_end;) *to++ = 0;
  semihost_exit(main());
}

static void iegm_fault(void) { semihost_exit(3); }

typedef void (*vector_t)(void);

/* Initial stack pointer, then reset, NMI, hard fault, memory, bus and usage faults. */
__attribute__((section(".vectors"), used)) static const vector_t vectors[7] = {
    (vector_t)(uintptr_t)__stack_top, iegm_reset, iegm_fault, iegm_fault,
    iegm_fault, iegm_fault, iegm_fault,
};
