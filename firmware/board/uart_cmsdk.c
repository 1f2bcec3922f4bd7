/* CMSDK APB UART, polled (register map in uart_cmsdk.h). */
#include "uart_cmsdk.h"

typedef struct {
  volatile uint32_t data;
  volatile uint32_t state;
  volatile uint32_t ctrl;
  volatile uint32_t intstatus;
  volatile uint32_t bauddiv;
} cmsdk_uart;

#define UART0 ((cmsdk_uart *)0x40004000u)

enum {
  STATE_TX_FULL = 1u << 0,
  STATE_RX_FULL = 1u << 1,
  CTRL_TX_ENABLE = 1u << 0,
  CTRL_RX_ENABLE = 1u << 1,
  CTRL_RX_INTERRUPT = 1u << 3,
  INT_RX = 1u << 1,
};

void uart_init(uint32_t bauddiv) {
  UART0->bauddiv = bauddiv;
  UART0->ctrl = CTRL_TX_ENABLE | CTRL_RX_ENABLE | CTRL_RX_INTERRUPT;
}

void uart_clear_rx_interrupt(void) { UART0->intstatus = INT_RX; }

int uart_rx_ready(void) { return (UART0->state & STATE_RX_FULL) != 0; }

uint8_t uart_rx(void) { return (uint8_t)UART0->data; }

void uart_write(const char *bytes, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (UART0->state & STATE_TX_FULL) {
    }
    UART0->data = (uint8_t)bytes[i];
  }
}
