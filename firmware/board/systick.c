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

void systick_start(void) {
  SYST_RVR = SYSTICK_PERIOD - 1u;
  SYST_CVR = 0; /* any write clears the count: it reloads on the next tick */
  SYST_CSR = CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE_CPU;
}

void systick_sleep(uint32_t ticks) {
  SYST_CSR = 0;
  SYST_RVR = ticks - 1u;
  SYST_CVR = 0;
  (void)SYST_CSR; /* clears COUNTFLAG */
  SYST_CSR = CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE_CPU;
  for (;;) {
    if (systick_wrapped()) break;
    wake_clear();
    if (systick_wrapped()) break; /* wrapped while clearing: its wake-up may be gone */
    wake_wait();
  }
  systick_start();
}

uint32_t systick_now(void) { return SYST_CVR; }

int systick_wrapped(void) { return (SYST_CSR & CSR_COUNTFLAG) != 0; }
