/*
 * What every generated model shares with the programs that link it: the layer description of
 * the host report and the trace hooks. A model built with -DMODEL_TRACE calls
 * model_trace_begin/end around each layer; the program linking it defines them.
 */
#ifndef IEGM_MODEL_H
#define IEGM_MODEL_H

#include <stdint.h>

/** A layer as the host report lists it. */
typedef struct {
  const char *name;
  const char *op;
  uint32_t macs;
} model_layer_info;

/** Called before layer `layer` runs. */
void model_trace_begin(uint32_t layer);

/** Called after layer `layer` ran, with its output: rows × cols elements of element_size bytes
 *  at a row stride of row_stride elements. */
void model_trace_end(uint32_t layer, const void *data, uint32_t element_size, uint32_t rows,
                     uint32_t cols, uint32_t row_stride);

#endif
