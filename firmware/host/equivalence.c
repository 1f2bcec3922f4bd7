/*
 * Equivalence driver: runs many generated models (linked together, each with its own name
 * prefix, listed by the generated equivalence_registry.h) on the cases of cases.bin and writes
 * every layer's output of every case to trace.bin. Written against semihost.h so that the same
 * program runs on the host (semihost_stdio.c) and on the Cortex-M4 under QEMU.
 *
 * cases.bin: "IEGMEQV\0", u32 version 1, u32 count, then per case u32 model index, u32 input
 * length, int8 input [length]. trace.bin: the layer-trace format of
 * lib/firmware/segment_file.ts, the case index in the segment field.
 * Exit codes: 0 done, 2 bad cases file, 4 cannot write.
 */
#include <stdint.h>

#include "equivalence_registry.h"
#include "semihost.h"

enum { FILE_VERSION = 1 };

static int32_t trace_handle = -1;
static uint32_t current_case;
static int write_failed;
/* One trace record: 16 bytes of fields, then the tensor's elements. */
static uint8_t record[16 + EQUIVALENCE_MAX_TENSOR_BYTES];
static int8_t output[EQUIVALENCE_MAX_OUTPUT];

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void model_trace_begin(uint32_t layer) { (void)layer; }

void model_trace_end(uint32_t layer, const void *data, uint32_t element_size, uint32_t rows,
                     uint32_t cols, uint32_t row_stride) {
  const uint32_t row_bytes = cols * element_size;
  put_u32(record, current_case);
  put_u32(record + 4, layer);
  put_u32(record + 8, element_size);
  put_u32(record + 12, rows * cols);
  const uint8_t *bytes = data;
  for (uint32_t r = 0; r < rows; r++) {
    for (uint32_t i = 0; i < row_bytes; i++) {
      record[16 + r * row_bytes + i] = bytes[r * row_stride * element_size + i];
    }
  }
  if (semihost_write(trace_handle, record, 16 + rows * row_bytes) != 0) write_failed = 1;
}

int main(void) {
  uint8_t header[16];
  const int32_t cases = semihost_open("cases.bin", 1);
  if (cases < 0 || semihost_read(cases, header, 16) != 0) return 2;
  const char magic[8] = "IEGMEQV";
  for (int i = 0; i < 8; i++) {
    if (header[i] != (uint8_t)magic[i]) return 2;
  }
  if (get_u32(header + 8) != FILE_VERSION) return 2;
  const uint32_t count = get_u32(header + 12);
  trace_handle = semihost_open("trace.bin", 5);
  if (trace_handle < 0) return 4;
  const uint8_t trace_header[12] = {'I', 'E', 'G', 'M', 'T', 'R', 'C', 0, FILE_VERSION, 0, 0, 0};
  if (semihost_write(trace_handle, trace_header, 12) != 0) return 4;
  for (uint32_t c = 0; c < count; c++) {
    uint8_t fields[8];
    if (semihost_read(cases, fields, 8) != 0) return 2;
    const uint32_t model = get_u32(fields), length = get_u32(fields + 4);
    if (model >= EQUIVALENCE_MODEL_COUNT || length != equivalence_models[model].input_length) {
      return 2;
    }
    /* Straight into the model's arena slot for its input. */
    if (semihost_read(cases, equivalence_models[model].input(), length) != 0) return 2;
    current_case = c;
    equivalence_models[model].run(output);
    if (write_failed) return 4;
  }
  semihost_close(trace_handle);
  semihost_close(cases);
  return 0;
}
