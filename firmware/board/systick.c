/* SysTick registers (Armv7-M ARM, B3.3): CSR 0xE000E010, RVR 0xE000E014, CVR 0xE000E018. */
#include "systick.h"

#include "wake.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

enum {
  CSR_ENABLE = 1u << 0,
  CSR_TICKINT = 1u << 1,
  CSR_CLKSOURCE_CPU = 1u << 2,
  CSR_COUNTFLAG = 1u << 16,
};

/* Runs SysTick with a period of `period` ticks, from a cleared count and COUNTFLAG. */
static void run(uint32_t period) {
  SYST_CSR = 0;
  SYST_RVR = period - 1u;
  SYST_CVR = 0;   /* any write clears the count: it reloads on the next tick */
  (void)SYST_CSR; /* clears COUNTFLAG */
  SYST_CSR = CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE_CPU;
}

void systick_start(void) { run(SYSTICK_PERIOD); }

void systick_stop(void) { SYST_CSR = 0; }

void systick_sleep(uint32_t ticks) {
  if (ticks == 0) return;
  run(ticks);
  for (;;) {
    if (systick_wrapped()) break;
    wake_clear();
    if (systick_wrapped()) break; /* wrapped while clearing: its wake-up may be gone */
    wake_wait();
  }
  systick_stop();
}

uint32_t systick_now(void) { return SYST_CVR; }

int systick_wrapped(void) { return (SYST_CSR & CSR_COUNTFLAG) != 0; }
