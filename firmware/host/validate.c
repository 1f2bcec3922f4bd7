/*
 * Host validation program: runs the generated model on every segment of a segments file
 * (lib/firmware/segment_file.ts), writes the int8 outputs and classes, optionally every layer's output for
 * chosen segments, and prints a report: per-layer MACs and mean time, memory, the confusion
 * matrix, accuracy and F-beta (beta = 2, VA positive).
 *
 * Usage: validate SEGMENTS OUTPUTS [TRACE SEGMENT...]
 *
 * Built with -DMODEL_TRACE so that model.c calls model_trace_begin/end around each layer.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

/* ---------------------------------------------------------------- files */

static const char SEGMENTS_MAGIC[8] = "IEGMSEG";
static const char OUTPUTS_MAGIC[8] = "IEGMOUT";
static const char TRACE_MAGIC[8] = "IEGMTRC";
enum { FILE_VERSION = 1, OUTPUTS_VERSION = 2, HEADER_BYTES = 20 };

static void fail(const char *message, const char *path) {
  fprintf(stderr, "validate: %s: %s\n", path, message);
  exit(1);
}

static uint32_t read_u32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void write_u32(FILE *f, uint32_t v) {
  const unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                              (unsigned char)(v >> 24)};
  fwrite(b, 1, 4, f);
}

static void write_header(FILE *f, const char magic[8], uint32_t version, uint32_t a, uint32_t b) {
  fwrite(magic, 1, 8, f);
  write_u32(f, version);
  write_u32(f, a);
  write_u32(f, b);
}

/* ---------------------------------------------------------------- layer hooks */

static FILE *trace_file;
static uint32_t current_segment;
static int trace_current;
static double layer_seconds[MODEL_LAYER_COUNT];
static struct timespec layer_start;

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

void model_trace_begin(uint32_t layer) {
  (void)layer;
  clock_gettime(CLOCK_MONOTONIC, &layer_start);
}

void model_trace_end(uint32_t layer, const void *data, uint32_t element_size, uint32_t rows,
                     uint32_t cols, uint32_t row_stride) {
  layer_seconds[layer] += seconds_since(&layer_start);
  if (!trace_current) return;
  write_u32(trace_file, current_segment);
  write_u32(trace_file, layer);
  write_u32(trace_file, element_size);
  write_u32(trace_file, rows * cols);
  const unsigned char *bytes = data;
  for (uint32_t r = 0; r < rows; r++) {
    /* Little-endian hosts only: int16 elements are written as they lie in memory. */
    fwrite(bytes + (size_t)r * row_stride * element_size, element_size, cols, trace_file);
  }
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SEGMENTS OUTPUTS [TRACE SEGMENT...]\n", argv[0]);
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in) fail("cannot open", argv[1]);
  unsigned char header[HEADER_BYTES];
  if (fread(header, 1, HEADER_BYTES, in) != HEADER_BYTES) fail("truncated header", argv[1]);
  if (memcmp(header, SEGMENTS_MAGIC, 8) != 0) fail("not a segments file", argv[1]);
  if (read_u32(header + 8) != FILE_VERSION) fail("unsupported version", argv[1]);
  const uint32_t count = read_u32(header + 12);
  if (read_u32(header + 16) != MODEL_INPUT_LENGTH) {
    fail("segment length differs from model", argv[1]);
  }
  int8_t *inputs = malloc((size_t)count * MODEL_INPUT_LENGTH + 1);
  uint8_t *labels = malloc((size_t)count + 1);
  int8_t *outputs = malloc((size_t)count * MODEL_OUTPUT_LENGTH + 1);
  uint8_t *classes = malloc((size_t)count + 1);
  if (!inputs || !labels || !outputs || !classes) fail("out of memory", argv[1]);
  const size_t input_bytes = (size_t)count * MODEL_INPUT_LENGTH;
  if (fread(inputs, 1, input_bytes, in) != input_bytes || fread(labels, 1, count, in) != count) {
    fail("truncated segments", argv[1]);
  }
  fclose(in);

  if (argc > 3) {
    trace_file = fopen(argv[3], "wb");
    if (!trace_file) fail("cannot create", argv[3]);
    fwrite(TRACE_MAGIC, 1, 8, trace_file);
    write_u32(trace_file, FILE_VERSION);
  }

  uint32_t tp = 0, fn = 0, fp = 0, tn = 0;
  for (uint32_t i = 0; i < count; i++) {
    current_segment = i;
    trace_current = 0;
    for (int a = 4; a < argc; a++) trace_current |= (uint32_t)strtoul(argv[a], NULL, 10) == i;
    int8_t *output = outputs + (size_t)i * MODEL_OUTPUT_LENGTH;
    /* The model reads its input from its own arena slot. */
    memcpy(model_input(), inputs + (size_t)i * MODEL_INPUT_LENGTH, MODEL_INPUT_LENGTH);
    const int predicted = model_classify(output);
    classes[i] = (uint8_t)predicted;
    if (labels[i]) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  if (trace_file && fclose(trace_file) != 0) fail("cannot write", argv[3]);

  FILE *out = fopen(argv[2], "wb");
  if (!out) fail("cannot create", argv[2]);
  write_header(out, OUTPUTS_MAGIC, OUTPUTS_VERSION, count, MODEL_OUTPUT_LENGTH);
  for (uint32_t i = 0; i < count; i++) {
    fwrite(outputs + (size_t)i * MODEL_OUTPUT_LENGTH, 1, MODEL_OUTPUT_LENGTH, out);
    fwrite(classes + i, 1, 1, out);
  }
  if (fclose(out) != 0) fail("cannot write", argv[2]);

  printf("model %s (IR %s v%d), %u segments\n\n", MODEL_ARCH, MODEL_IR_MAGIC, MODEL_IR_VERSION,
         count);
  printf("%-4s %-16s %-10s %10s %12s\n", "#", "layer", "op", "MACs", "mean us");
  uint64_t total_macs = 0;
  double total_seconds = 0;
  for (uint32_t l = 0; l < MODEL_LAYER_COUNT; l++) {
    const double mean_us = count ? layer_seconds[l] / count * 1e6 : 0;
    printf("%-4u %-16s %-10s %10u %12.2f\n", l, model_layers[l].name, model_layers[l].op,
           model_layers[l].macs, mean_us);
    total_macs += model_layers[l].macs;
    total_seconds += layer_seconds[l];
  }
  printf("%-4s %-16s %-10s %10llu %12.2f\n\n", "", "total", "", (unsigned long long)total_macs,
         count ? total_seconds / count * 1e6 : 0);
  printf("memory: arena %u + state %u + scratch %u = %u bytes\n\n", MODEL_ARENA_BYTES,
         MODEL_STATE_BYTES, MODEL_SCRATCH_BYTES,
         MODEL_ARENA_BYTES + MODEL_STATE_BYTES + MODEL_SCRATCH_BYTES);
  printf("confusion (VA positive: output >= %d, rate gate %d bpm, 0 = none):\n",
         MODEL_THRESHOLD_Q, MODEL_RATE_GATE_BPM);
  printf("             predicted VA  predicted non-VA\n");
  printf("  VA         %12u  %16u\n", tp, fn);
  printf("  non-VA     %12u  %16u\n", fp, tn);
  const double precision = tp + fp ? (double)tp / (tp + fp) : 0;
  const double recall = tp + fn ? (double)tp / (tp + fn) : 0;
  const double fbeta =
      precision + recall > 0 ? 5 * precision * recall / (4 * precision + recall) : 0;
  printf("\naccuracy %.4f  precision %.4f  recall %.4f  F-beta(2) %.4f\n",
         count ? (double)(tp + tn) / count : 0, precision, recall, fbeta);
  free(inputs);
  free(labels);
  free(outputs);
  free(classes);
  return 0;
}
