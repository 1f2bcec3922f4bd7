/*
 * Cortex-M4 validation harness under QEMU: reads segments.bin through semihosting (the format
 * of lib/firmware/segment_file.ts), classifies each segment (model_classify: the model and its
 * rate gate), writes outputs.bin (outputs and classes), and
 * writes stack.bin (u32: the peak stack bytes of one inference, measured by painting).
 * The first inference is bracketed by the marker functions that the instruction counter looks
 * for in QEMU's execution log. Exit codes: 0 done, 2 bad input file, 4 cannot write.
 *
 * This is the image that is sized: the only I/O is the semihosting calls in semihost.c.
 */
#include <stdint.h>

#include "model.h"
#include "le_bytes.h"
#include "semihost.h"

enum { FILE_VERSION = 1, OUTPUTS_VERSION = 2, HEADER_BYTES = 20, STACK_PATTERN = 0x5AA5C33Cu };

/** Empty marker functions: their first instruction in the exec log brackets one inference. */
__attribute__((noinline)) void iegm_mark_begin(void) { __asm__ volatile(""); }
__attribute__((noinline)) void iegm_mark_end(void) { __asm__ volatile(""); }

extern uint32_t __bss_end[];

/* [MODEL_OUTPUT_LENGTH] int8. The input has no buffer here: each segment is read straight into
 * the model's arena (model_input()), so the image's RAM is the model's plan plus this. */
static int8_t output[MODEL_OUTPUT_LENGTH];

/* Fills the free stack below the caller's frame with a pattern (leaving 64 bytes of margin). */
__attribute__((noinline)) static void paint_stack(void) {
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = __bss_end; (uintptr_t)p < sp - 64; p++) *p = STACK_PATTERN;
}

/* Bytes between the top of RAM and the deepest word that lost the pattern. */
static uint32_t stack_peak(void) {
  const uint32_t *p = __bss_end;
  while (*p == STACK_PATTERN) p++;
  return (uint32_t)(0x20000000u + 64u * 1024u - (uintptr_t)p);
}

int main(void) {
  uint8_t header[HEADER_BYTES];
  const int32_t in = semihost_open("segments.bin", 1);
  if (in < 0 || semihost_read(in, header, HEADER_BYTES) != 0) return 2;
  if (!same_bytes(header, "IEGMSEG", 8) || read_u32(header + 8) != FILE_VERSION ||
      read_u32(header + 16) != MODEL_INPUT_LENGTH) {
    return 2;
  }
  const uint32_t count = read_u32(header + 12);
  const int32_t out = semihost_open("outputs.bin", 5);
  if (out < 0) return 4;
  /* The outputs header: magic, version, count, length (little-endian, as on the M4). */
  const uint32_t out_header[5] = {0x4d474549u, 0x0054554fu, OUTPUTS_VERSION, count,
                                  MODEL_OUTPUT_LENGTH};
  if (semihost_write(out, out_header, HEADER_BYTES) != 0) return 4;
  uint32_t stack = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (semihost_read(in, model_input(), MODEL_INPUT_LENGTH) != 0) return 2;
    uint8_t predicted;
    if (i == 0) {
      paint_stack();
      iegm_mark_begin();
      predicted = (uint8_t)model_classify(output);
      iegm_mark_end();
      stack = stack_peak();
    } else {
      predicted = (uint8_t)model_classify(output);
    }
    if (semihost_write(out, output, MODEL_OUTPUT_LENGTH) != 0) return 4;
    if (semihost_write(out, &predicted, 1) != 0) return 4;
  }
  semihost_close(out);
  semihost_close(in);
  const int32_t stack_file = semihost_open("stack.bin", 5);
  if (stack_file < 0 || semihost_write(stack_file, &stack, 4) != 0) return 4;
  semihost_close(stack_file);
  return 0;
}
