/*
 * The matrix parts of the fused GRU (lib/fused/gru_wasm.ts), compiled to WebAssembly with
 * SIMD; the element-wise gate functions stay in TypeScript. Activations are [rows, B]
 * row-major with the batch innermost, so every inner loop runs over B contiguous floats and
 * clang vectorizes it (f32x4). W is a weight matrix [K, ldw] row-major, of which the columns
 * col … col + J − 1 are used. Pointers are byte offsets into the module's imported memory.
 *
 * Build (into build/wasm/gru.wasm): deno task build:wasm (bash pipeline/setup.sh runs it)
 */

/* out[j, b] += Σ_k W[k, col + j] · in[k, b]      out [J, B], in [K, B] */
__attribute__((export_name("acc_w")))
void acc_w(float *out, const float *in, const float *w, int K, int J, int ldw, int col, int B) {
  for (int j = 0; j < J; j++) {
    float *o = out + j * B;
    for (int k = 0; k < K; k++) {
      const float c = w[k * ldw + col + j];
      const float *x = in + k * B;
      for (int b = 0; b < B; b++) o[b] += c * x[b];
    }
  }
}

/* out[k, b] += Σ_j W[k, col + j] · in[j, b]      out [K, B], in [J, B] */
__attribute__((export_name("acc_wt")))
void acc_wt(float *out, const float *in, const float *w, int K, int J, int ldw, int col, int B) {
  for (int k = 0; k < K; k++) {
    float *o = out + k * B;
    for (int j = 0; j < J; j++) {
      const float c = w[k * ldw + col + j];
      const float *x = in + j * B;
      for (int b = 0; b < B; b++) o[b] += c * x[b];
    }
  }
}

/*
 * g[k, col + j] += Σ_b a[k, b] · d[j, b]          a [K, B], d [J, B], g [K, ldw] float64
 * The sum over the batch is float32 (reassociated into SIMD lanes by -ffast-math, as tfjs'
 * own matmul sums in float32); the running sum over time steps is float64.
 */
__attribute__((export_name("acc_outer")))
void acc_outer(double *g, const float *a, const float *d, int K, int J, int ldw, int col, int B) {
  for (int k = 0; k < K; k++) {
    const float *x = a + k * B;
    for (int j = 0; j < J; j++) {
      const float *y = d + j * B;
      float s = 0;
      for (int b = 0; b < B; b++) s += x[b] * y[b];
      g[k * ldw + col + j] += s;
    }
  }
}
