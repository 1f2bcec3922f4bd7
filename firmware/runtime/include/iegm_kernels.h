/*
 * The int8 kernels of the runtime, one per file under ref/ (plain reference C) and, for the
 * hot ones, m4/ (Cortex-M4 DSP versions with the same names, equal bit for bit). The arithmetic
 * of each is docs/int8-spec.md, section given below. Kernels trust their arguments: shapes,
 * shifts and ranges are validated once, when the model is quantized and when the C is generated.
 *
 * Layout conventions: sequence tensors are [T, C] row-major int8, row stride given where a
 * kernel may write into a view of a wider tensor (concat in place, §4); flat tensors are [N].
 * No kernel allocates; the GRU's state and scratch are owned by the caller.
 */
#ifndef IEGM_KERNELS_H
#define IEGM_KERNELS_H

#include <stdint.h>

/** Activations of dense_s8. */
enum { IEGM_ACT_LINEAR = 0, IEGM_ACT_RELU = 1, IEGM_ACT_SIGMOID = 2 };

/**
 * conv1d with fused ReLU and max-pool (§5).
 * @param x        in  [T_in, C_in] int8, row stride C_in
 * @param w        in  [C_out, K, C_in] int8; K·C_in ≤ 2^15
 * @param bias     in  [C_out] int32 at the accumulator's dec, |bias| ≤ 2^29
 * @param shift    in  [C_out] requantization shifts ∈ [0, 30]
 * @param stride   convolution stride ≥ 1; pad_before: zero positions before x (TF 'same' rule)
 * @param T_out    output rows = floor(T_conv / pool); pool ≥ 1 (1 = no pooling)
 * @param relu     0 or 1
 * @param y        out [T_out, C_out] int8 at row stride y_row_stride ≥ C_out
 */
void iegm_conv1d_s8(const int8_t *x, int T_in, int C_in, const int8_t *w, const int32_t *bias,
                    const uint8_t *shift, int C_out, int K, int stride, int pad_before, int T_out,
                    int pool, int relu, int8_t *y, int y_row_stride);

/**
 * iegm_conv1d_s8 for a single-channel input at stride 2 (C_in = 1, stride = 2, K ≤ 16,
 * pool ≤ 4: nnom's branches on the raw segment), where the Cortex-M4 has a faster kernel; same
 * arguments and result. Other shapes are passed on to iegm_conv1d_s8. A function of its own so
 * that only the images that call it link it.
 */
void iegm_conv1d_c1s2_s8(const int8_t *x, int T_in, int C_in, const int8_t *w,
                         const int32_t *bias, const uint8_t *shift, int C_out, int K, int stride,
                         int pad_before, int T_out, int pool, int relu, int8_t *y,
                         int y_row_stride);

/**
 * iegm_conv1d_s8 for windows of at most 16 bytes at steps of 4k + 2 bytes (stride · C_in mod 4
 * = 2, K · C_in ≤ 16: a first conv at stride 6), where the Cortex-M4 has a faster kernel; same
 * arguments and result. Other shapes are passed on to iegm_conv1d_s8. A function of its own so
 * that only the images that call it link it.
 */
void iegm_conv1d_phased_s8(const int8_t *x, int T_in, int C_in, const int8_t *w,
                           const int32_t *bias, const uint8_t *shift, int C_out, int K,
                           int stride, int pad_before, int T_out, int pool, int relu, int8_t *y,
                           int y_row_stride);

/**
 * maxpool1d, 'valid' (§6): y[to, c] = max over j < pool of x[to·stride + j, c].
 * @param x  in  [T_in, C] int8; may equal y when y_row_stride = C (in place)
 * @param y  out [T_out, C] int8 at row stride y_row_stride
 */
void iegm_maxpool1d_s8(const int8_t *x, int T_in, int C, int pool, int stride, int T_out,
                       int8_t *y, int y_row_stride);

/**
 * relu (§7): y[i] = max(x[i], 0) for n elements; y may equal x.
 * @param x  in  [n] int8
 * @param y  out [n] int8
 */
void iegm_relu_s8(const int8_t *x, int n, int8_t *y);

/**
 * concat along channels (§8): y[t, off_k + c] = sat8(rshift(x_k[t, c], shift[k])).
 * @param x      in  n_inputs pointers, input k is [T, C[k]] int8 at row stride C[k]
 * @param shift  in  [n_inputs] ∈ [0, 30]
 * @param y      out [T, ΣC] int8 at row stride y_row_stride ≥ ΣC
 */
void iegm_concat_s8(int n_inputs, const int8_t *const *x, const int *C, const uint8_t *shift,
                    int T, int8_t *y, int y_row_stride);

/**
 * Copies a [T, C] int8 tensor stored at row stride x_row_stride into dense [T·C] (the flatten
 * of a view, §9; a flatten of a dense tensor is no call at all).
 */
void iegm_flatten_s8(const int8_t *x, int T, int C, int x_row_stride, int8_t *y);

/**
 * dense (§10).
 * @param x        in  [N_in] int8; N_in ≤ 2^15
 * @param w        in  [N_out, N_in] int8
 * @param bias     in  [N_out] int32 at the accumulator's dec, |bias| ≤ 2^29
 * @param shift    in  [N_out] ∈ [0, 30]: to the output dec, or for sigmoid to pre_dec
 * @param act      IEGM_ACT_LINEAR, IEGM_ACT_RELU or IEGM_ACT_SIGMOID
 * @param table    in  [257] int16 Q0.15 sigmoid table (sigmoid only, else NULL)
 * @param pre_dec  Pg ∈ [1, 12] (sigmoid only)
 * @param y        out [N_out] int8 (dec 7 for sigmoid)
 */
void iegm_dense_s8(const int8_t *x, int N_in, const int8_t *w, const int32_t *bias,
                   const uint8_t *shift, int N_out, int act, const int16_t *table, int pre_dec,
                   int8_t *y);

/**
 * GRU, tfjs reset_after = false (§11).
 * @param x              in  [T, N_in] int8, row stride N_in
 * @param W              in  [3, U, N_in] int8, gates z, r, h
 * @param R              in  [3, U, U] int8
 * @param bias           in  [3, U] int32 at dec d_x + d_W
 * @param sx, sr         in  [3U] per gate row g·U + u: input / recurrent shifts to pre_dec,
 *                       d_x + d_W[row] − Pg and 15 + d_U[row] − Pg, each ∈ [0, 30]
 * @param pre_dec        Pg ∈ [1, 12]
 * @param hard_sigmoid   1: integer hard-sigmoid gates; 0: sigmoid_table
 * @param tanh_table     in  [257] int16 Q0.15
 * @param sigmoid_table  in  [257] int16 Q0.15, or NULL when hard_sigmoid
 * @param out_shift      15 − d_y ∈ [0, 8]
 * @param y              out [T, U] (return_sequences) or [U] int8 at row stride y_row_stride
 * @param state          scratch-owned [U] int16 Q0.15 hidden state (zeroed here)
 * @param scratch        [2U] int16: r ⊙ h, then the new h
 */
void iegm_gru_s8(const int8_t *x, int T, int N_in, int U, const int8_t *W, const int8_t *R,
                 const int32_t *bias, const uint8_t *sx, const uint8_t *sr, int pre_dec,
                 int hard_sigmoid,
                 const int16_t *tanh_table, const int16_t *sigmoid_table, int out_shift,
                 int return_sequences, int8_t *y, int y_row_stride, int16_t *state,
                 int16_t *scratch);

/**
 * sigmoid (§13): y[i] = sat8(rshift(lut(table, rshift(x[i], in_shift), pre_dec), 8)), dec 7.
 * @param x  in  [n] int8; in_shift = d_x − Pg ≥ 0; pre_dec Pg ∈ [1, 12]
 * @param y  out [n] int8
 */
void iegm_sigmoid_s8(const int8_t *x, int n, int in_shift, int pre_dec, const int16_t *table,
                     int8_t *y);

/** Longest segment of iegm_twice_median_beat_interval_s8, whose stack holds ceil(N / 50) beats. */
#define IEGM_RATE_GATE_MAX_N 1250

/**
 * Rate gate (§14, steps 1–3): twice the median interval between the beats of the model's int8
 * input, read before the model runs. The gate is open iff the result is 0 or
 * result · rateGateBpm ≤ 30000 (step 4, the caller's compare).
 * @param x  in  [n] int8, the quantized samples (§3); read only
 * @param n  samples ∈ [1, IEGM_RATE_GATE_MAX_N]
 * @return   D ∈ [100, 2·(n − 1)] in samples (the rate is 30000 / D bpm), or 0 when the segment
 *           has no rate (99th-percentile magnitude 0, or fewer than two beats). Stack: 184 bytes
 *           on the Cortex-M4 at -Os, no other memory.
 */
int32_t iegm_twice_median_beat_interval_s8(const int8_t *x, int32_t n);

#endif
