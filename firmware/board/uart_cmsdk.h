/*
 * Polling driver for the Arm CMSDK APB UART (UART0 of the MPS2 AN386 board and of QEMU's
 * mps2-an386, at 0x40004000). Registers, from the CMSDK technical reference (Arm DDI 0479):
 *
 *   0x000 DATA     received byte (read), byte to send (write)
 *   0x004 STATE    bit 0 TX buffer full, bit 1 RX buffer full, bits 2-3 overruns (write 1 to clear)
 *   0x008 CTRL     bit 0 TX enable, bit 1 RX enable, bit 3 RX interrupt enable
 *   0x00C INTSTATUS / INTCLEAR (write 1 to clear), bit 1 RX
 *   0x010 BAUDDIV  baud rate divider, ≥ 16: baud = PCLK / BAUDDIV
 *
 * Each direction holds one byte; QEMU's model takes the next received byte only after DATA is
 * read, so nothing is lost while the board computes (the host's bytes wait in QEMU's socket).
 */
#ifndef IEGM_UART_CMSDK_H
#define IEGM_UART_CMSDK_H

#include <stdint.h>

/**
 * Enables UART0's transmitter and receiver at PCLK / bauddiv baud (bauddiv ≥ 16), and its RX
 * interrupt output (IRQ 0 on the AN386), which only serves to wake the core from WFI.
 */
void uart_init(uint32_t bauddiv);

/** Clears UART0's RX interrupt status, so the next received byte raises IRQ 0 again. */
void uart_clear_rx_interrupt(void);

/** Whether a received byte is waiting in DATA. */
int uart_rx_ready(void);

/** The waiting received byte (call only when uart_rx_ready()). */
uint8_t uart_rx(void);

/** Sends `length` bytes, waiting for the transmit buffer before each. */
void uart_write(const char *bytes, uint32_t length);

#endif
