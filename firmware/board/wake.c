/* NVIC and SCB registers (Armv7-M ARM, B3.2 and B3.4). */
#include "wake.h"

#include <stdint.h>

#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define NVIC_ICPR0 (*(volatile uint32_t *)0xE000E280u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)

enum { IRQ_UART0_RX = 1u << 0, ICSR_PENDSTCLR = 1u << 25 };

void wake_init(void) {
  __asm__ volatile("cpsid i" ::: "memory");
  NVIC_ISER0 = IRQ_UART0_RX;
}

void wake_clear(void) {
  NVIC_ICPR0 = IRQ_UART0_RX;
  SCB_ICSR = ICSR_PENDSTCLR;
}

void wake_wait(void) { __asm__ volatile("dsb\n\twfi" ::: "memory"); }
