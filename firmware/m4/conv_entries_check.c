/*
 * Cortex-M4 check program for the conv1d entry points (tests/firmware/conv_entries_test.ts):
 * iegm_conv1d_c1s2_s8 and iegm_conv1d_phased_s8 must give iegm_conv1d_s8's output on every
 * shape, their own (where the M4 has a faster kernel) and any other (which they pass on). The
 * generated models only call them on their own shapes, so the model equivalence tests never
 * reach the second case. Inputs, weights, biases and shifts are drawn from a fixed generator.
 * Exit codes: 0 all equal; 10 + 2·s when shape s differs for iegm_conv1d_c1s2_s8, 11 + 2·s for
 * iegm_conv1d_phased_s8.
 */
#include <stdint.h>

#include "iegm_kernels.h"

/* One convolution: the arguments of iegm_conv1d_s8 that depend on the shape. */
typedef struct {
  int T_in, C_in, C_out, K, stride, pad_before, pool, relu;
} shape;

static const shape SHAPES[] = {
    {300, 1, 4, 9, 2, 4, 4, 1},   /* c1s2's own (pool 4, an assembly kernel) */
    {300, 1, 3, 7, 2, 0, 3, 0},   /* c1s2's own (any pool); phased's too */
    {1250, 1, 4, 13, 6, 0, 5, 1}, /* phased's own: threeblock's first conv */
    {301, 3, 5, 5, 2, 2, 3, 0},   /* phased's own, three channels */
    {300, 1, 2, 17, 2, 0, 2, 1},  /* neither: a window of 17 */
    {300, 1, 2, 9, 2, 0, 8, 1},   /* c1s2's stride but a pool of 8: phased's only */
    {200, 4, 6, 3, 1, 1, 2, 1},   /* neither: whole-word steps */
    {400, 1, 3, 20, 6, 0, 5, 1},  /* neither: stride 6 with a window of 20 */
};

enum { MAX_X = 1250, MAX_W = 6 * 20 * 4, MAX_C = 8, MAX_Y = 1250 * 8 };

static int8_t x[MAX_X], w[MAX_W], y_generic[MAX_Y], y_entry[MAX_Y];
static int32_t bias[MAX_C];
static uint8_t shift[MAX_C];

/* A fixed linear congruential generator: the same draws on every run. */
static uint32_t state = 20261125u;
static uint32_t next(void) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

/* T_out of a shape with pad_before zeros on both sides (the last positions read past x). */
static int outputs(const shape *s) {
  return ((s->T_in + 2 * s->pad_before - s->K) / s->stride + 1) / s->pool;
}

typedef void conv_fn(const int8_t *, int, int, const int8_t *, const int32_t *, const uint8_t *,
                     int, int, int, int, int, int, int, int8_t *, int);

static void run(conv_fn *conv, const shape *s, int T_out, int8_t *y) {
  for (int i = 0; i < T_out * s->C_out; i++) y[i] = 0x5A; /* every output must be written */
  conv(x, s->T_in, s->C_in, w, bias, shift, s->C_out, s->K, s->stride, s->pad_before, T_out,
       s->pool, s->relu, y, s->C_out);
}

static int same(const int8_t *a, const int8_t *b, int n) {
  for (int i = 0; i < n; i++) {
    if (a[i] != b[i]) return 0;
  }
  return 1;
}

int main(void) {
  for (int s = 0; s < (int)(sizeof SHAPES / sizeof SHAPES[0]); s++) {
    const shape *sh = &SHAPES[s];
    for (int i = 0; i < sh->T_in * sh->C_in; i++) x[i] = (int8_t)next();
    for (int i = 0; i < sh->C_out * sh->K * sh->C_in; i++) w[i] = (int8_t)next();
    for (int c = 0; c < sh->C_out; c++) {
      bias[c] = (int32_t)(next() % 4001) - 2000;
      shift[c] = (uint8_t)(6 + next() % 5);
    }
    const int T_out = outputs(sh), n = T_out * sh->C_out;
    run(iegm_conv1d_s8, sh, T_out, y_generic);
    run(iegm_conv1d_c1s2_s8, sh, T_out, y_entry);
    if (!same(y_generic, y_entry, n)) return 10 + 2 * s;
    run(iegm_conv1d_phased_s8, sh, T_out, y_entry);
    if (!same(y_generic, y_entry, n)) return 11 + 2 * s;
  }
  return 0;
}
