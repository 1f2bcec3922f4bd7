/**
 * The GRU over whole sequences in one pass: forward through time, then backward through time,
 * on typed arrays, as one tfjs op with its own gradient ({@linkcode fusedGru}).
 *
 * tfjs' GRU layer unrolls every time step into a dozen small ops (and their gradients); for
 * nnom (78 steps) those hundreds of tiny kernels dominated a training step. This computes the
 * same function as tfjs' `GRUCell` with its defaults (reset_after = false, bias on, tanh, and
 * recurrent activation hard_sigmoid), with gate order z, r, h in the weights' columns:
 *
 * ```
 * a_z = x_t W_z + h_{t−1} R_z + b_z      z = hs(a_z)
 * a_r = x_t W_r + h_{t−1} R_r + b_r      r = hs(a_r)
 * a_h = x_t W_h + (r ⊙ h_{t−1}) R_h + b_h   c = tanh(a_h)
 * h_t = z ⊙ h_{t−1} + (1 − z) ⊙ c,        h_{−1} = 0
 * hs(a) = clip(0.5 + 0.2·a, 0, 1)
 * ```
 *
 * hs' follows tfjs' autodiff of its own graph (`clipByValue(add(0.5, mul(0.2, a)), 0, 1)`):
 * 0.2 where the float32 value 0.5 + 0.2·a lies in [0, 1] (both ends included), else 0.
 *
 * Sums run in float64 (JS numbers) and every stored value is float32, so results equal tfjs'
 * float32 graph to rounding (checked in tests/fused_gru_test.ts).
 *
 * gruForward and gruBackward here are the plain reference kernels; the op runs the faster
 * ones of gru_wasm.ts (the whole time loop in one WebAssembly SIMD call), which tests check
 * against these.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { tf } from "../backend/mod.ts";
import {
  gruBackwardWasm,
  gruForwardWasm,
  gruInferenceWasm,
  gruWasmOutput,
  type GruWasmTape,
  releaseGruTape,
} from "./gru_wasm.ts";

/** Sizes of one GRU call. */
export interface GruDims {
  batch: number;
  time: number;
  /** Input features per step. */
  inputs: number;
  units: number;
}

/** What the forward pass keeps for the backward pass. Arrays are [batch, time, units]. */
export interface GruTape {
  /** Every step's output h_t. */
  h: Float32Array;
  z: Float32Array;
  r: Float32Array;
  /** The candidate tanh(a_h). */
  c: Float32Array;
  /** hs'(a) / 0.2 for the z and r gates: 1 inside the linear part, 0 where clipped. [B, T, 2U] */
  gateOpen: Uint8Array;
}

/** Gradients of a loss with respect to the GRU's inputs and weights. */
export interface GruGradients {
  /** [batch, time, inputs] */
  dx: Float32Array;
  /** [inputs, 3·units] */
  dKernel: Float32Array;
  /** [units, 3·units] */
  dRecurrent: Float32Array;
  /** [3·units] */
  dBias: Float32Array;
}

const SLOPE = Math.fround(0.2);
const HALF = 0.5;

/**
 * The GRU forward pass over every sequence of the batch.
 *
 * @param x [batch, time, inputs] float32
 * @param kernel [inputs, 3·units] (columns z, r, h), as tfjs' `gru/kernel`
 * @param recurrent [units, 3·units], as tfjs' `gru/recurrent_kernel`
 * @param bias [3·units], as tfjs' `gru/bias`
 * @returns the tape; `tape.h` is the output sequence [batch, time, units]
 */
export function gruForward(
  dims: GruDims,
  x: Float32Array,
  kernel: Float32Array,
  recurrent: Float32Array,
  bias: Float32Array,
): GruTape {
  const { batch: B, time: T, inputs: I, units: U } = dims;
  const G = 3 * U;
  const n = B * T * U;
  const tape: GruTape = {
    h: new Float32Array(n),
    z: new Float32Array(n),
    r: new Float32Array(n),
    c: new Float32Array(n),
    gateOpen: new Uint8Array(2 * n),
  };
  const { h, z, r, c, gateOpen } = tape;
  const acc = new Float64Array(G); // the step's gate pre-activations a_z, a_r, a_h
  const rh = new Float64Array(U); // r ⊙ h_{t−1}
  const zeros = new Float32Array(U);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const out = row * U;
      const prevAt = t === 0 ? 0 : out - U;
      const prev = t === 0 ? zeros : h;
      // Input part: x_t W + b, all three gates.
      for (let j = 0; j < G; j++) acc[j] = bias[j];
      const xAt = row * I;
      for (let i = 0; i < I; i++) {
        const v = x[xAt + i];
        if (v === 0) continue;
        const w = i * G;
        for (let j = 0; j < G; j++) acc[j] += v * kernel[w + j];
      }
      // Recurrent part of z and r: h_{t−1} R[:, 0:2U].
      for (let k = 0; k < U; k++) {
        const v = prev[prevAt + k];
        if (v === 0) continue;
        const w = k * G;
        for (let j = 0; j < 2 * U; j++) acc[j] += v * recurrent[w + j];
      }
      const gateAt = row * 2 * U;
      for (let j = 0; j < 2 * U; j++) {
        // hs as tfjs computes it in float32; the gradient passes where y ∈ [0, 1].
        const y = Math.fround(HALF + Math.fround(SLOPE * Math.fround(acc[j])));
        const open = y >= 0 && y <= 1;
        gateOpen[gateAt + j] = open ? 1 : 0;
        const g = open ? y : y < 0 ? 0 : y > 1 ? 1 : y; // NaN stays NaN
        if (j < U) z[out + j] = g;
        else {
          r[out + j - U] = g;
          rh[j - U] = Math.fround(g * prev[prevAt + j - U]);
        }
      }
      // Recurrent part of the candidate: (r ⊙ h_{t−1}) R[:, 2U:3U].
      for (let k = 0; k < U; k++) {
        const v = rh[k];
        if (v === 0) continue;
        const w = k * G + 2 * U;
        for (let j = 0; j < U; j++) acc[2 * U + j] += v * recurrent[w + j];
      }
      for (let j = 0; j < U; j++) {
        const cj = Math.fround(Math.tanh(acc[2 * U + j]));
        const zj = z[out + j];
        c[out + j] = cj;
        h[out + j] = zj * prev[prevAt + j] + (1 - zj) * cj;
      }
    }
  }
  return tape;
}

/**
 * Backpropagation through time over every sequence of the batch.
 *
 * @param dy the loss gradient w.r.t. the output: [batch, time, units] when `sequences`, else
 *   [batch, units] (the last step only)
 * @param tape what {@linkcode gruForward} returned for the same inputs
 */
export function gruBackward(
  dims: GruDims,
  x: Float32Array,
  kernel: Float32Array,
  recurrent: Float32Array,
  tape: GruTape,
  dy: Float32Array,
  sequences: boolean,
): GruGradients {
  const { batch: B, time: T, inputs: I, units: U } = dims;
  const G = 3 * U;
  const { h, z, r, c, gateOpen } = tape;
  const dx = new Float32Array(B * T * I);
  // Weight gradients sum over B·T rows: accumulated in float64.
  const dKernel = new Float64Array(I * G);
  const dRecurrent = new Float64Array(U * G);
  const dBias = new Float64Array(G);
  const carry = new Float64Array(U); // ∂loss/∂h_t flowing back from step t+1
  const dh = new Float64Array(U);
  const da = new Float64Array(G); // ∂loss/∂(a_z, a_r, a_h) of the step
  const drh = new Float64Array(U); // ∂loss/∂(r ⊙ h_{t−1})
  const zeros = new Float32Array(U);
  for (let b = 0; b < B; b++) {
    carry.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      const out = row * U;
      const prevAt = t === 0 ? 0 : out - U;
      const prev = t === 0 ? zeros : h;
      if (sequences) {
        for (let j = 0; j < U; j++) dh[j] = carry[j] + dy[out + j];
      } else if (t === T - 1) {
        for (let j = 0; j < U; j++) dh[j] = carry[j] + dy[b * U + j];
      } else {
        for (let j = 0; j < U; j++) dh[j] = carry[j];
      }
      const gateAt = row * 2 * U;
      // h_t = z h_{t−1} + (1 − z) c
      for (let j = 0; j < U; j++) {
        const zj = z[out + j];
        const cj = c[out + j];
        const g = dh[j];
        carry[j] = g * zj;
        da[j] = gateOpen[gateAt + j] ? g * (prev[prevAt + j] - cj) * SLOPE : 0;
        da[2 * U + j] = g * (1 - zj) * (1 - cj * cj);
      }
      // a_h = … + (r ⊙ h_{t−1}) R_h: back to r and h_{t−1}.
      for (let k = 0; k < U; k++) {
        const w = k * G + 2 * U;
        let s = 0;
        for (let j = 0; j < U; j++) s += da[2 * U + j] * recurrent[w + j];
        drh[k] = s;
      }
      for (let k = 0; k < U; k++) {
        const hk = prev[prevAt + k];
        carry[k] += drh[k] * r[out + k];
        da[U + k] = gateOpen[gateAt + U + k] ? drh[k] * hk * SLOPE : 0;
      }
      // a_z, a_r = … + h_{t−1} R_{z,r}; weight gradients of this step.
      for (let k = 0; k < U; k++) {
        const w = k * G;
        const hk = prev[prevAt + k];
        const rhk = Math.fround(r[out + k] * hk);
        let s = 0;
        for (let j = 0; j < 2 * U; j++) {
          s += da[j] * recurrent[w + j];
          dRecurrent[w + j] += hk * da[j];
        }
        carry[k] += s;
        for (let j = 2 * U; j < G; j++) dRecurrent[w + j] += rhk * da[j];
      }
      for (let j = 0; j < G; j++) dBias[j] += da[j];
      const xAt = row * I;
      for (let i = 0; i < I; i++) {
        const w = i * G;
        const xi = x[xAt + i];
        let s = 0;
        for (let j = 0; j < G; j++) {
          s += da[j] * kernel[w + j];
          dKernel[w + j] += xi * da[j];
        }
        dx[xAt + i] = s;
      }
    }
  }
  return {
    dx,
    dKernel: Float32Array.from(dKernel),
    dRecurrent: Float32Array.from(dRecurrent),
    dBias: Float32Array.from(dBias),
  };
}

/**
 * The GRU as a tfjs op with its own gradient (w.r.t. the input and all three weights), on any
 * backend. Same function as a `tf.layers.gru({units, returnSequences})` holding these weights.
 *
 * @param x [batch, time, inputs]
 * @param kernel [inputs, 3·units]
 * @param recurrent [units, 3·units]
 * @param bias [3·units]
 * @returns [batch, time, units] when `returnSequences`, else [batch, units]
 *
 * @example One unit, one step: h = (1 − z)·tanh(b_h) with z = hs(b_z)
 * ```ts
 * import { setupBackend, tf } from "../backend/mod.ts";
 * import { fusedGru } from "./gru.ts";
 * await setupBackend("wasm");
 * const h = fusedGru(
 *   tf.zeros([1, 1, 1]), tf.zeros([1, 3]), tf.zeros([1, 3]), tf.tensor1d([0, 0, 1]), false,
 * ).dataSync()[0];
 * if (Math.abs(h - 0.5 * Math.tanh(1)) > 1e-6) throw new Error(String(h));
 * ```
 */
export function fusedGru(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrent: tf.Tensor,
  bias: tf.Tensor,
  returnSequences: boolean,
): tf.Tensor {
  const [batch, time, inputs] = x.shape;
  const units = recurrent.shape[0];
  checkShapes(x.shape, kernel.shape, recurrent.shape, bias.shape);
  const dims: GruDims = { batch, time, inputs, units };
  // Inside the op tfjs does not record; whether it records this op is known out here. Only
  // then is a tape kept (in the kernels' memory) for the gradient.
  const recording = tf.engine().isTapeOn();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, kt, rt, bt] = args as tf.Tensor[];
    const [kData, rData, bData] = [kt, rt, bt].map((t) => t.dataSync() as Float32Array);
    const shape = returnSequences ? [batch, time, units] : [batch, units];
    if (!recording) {
      const value = newTensor(
        shape,
        (out) => gruInferenceWasm(dims, valuesOf(xt), kData, rData, bData, returnSequences, out),
      );
      const gradFunc = (): tf.Tensor[] => {
        throw new Error("fusedGru: no gradient for a call made while tfjs was not recording");
      };
      return { value, gradFunc };
    }
    const tape = gruForwardWasm(dims, valuesOf(xt), kData, rData, bData);
    const value = newTensor(shape, (out) => gruWasmOutput(dims, tape, returnSequences, out));
    const gradFunc = (dy: tf.Tensor) => {
      let g: GruGradients | undefined;
      const dx = newTensor([batch, time, inputs], (out) => {
        g = gruBackwardWasm(dims, kData, rData, tape, valuesOf(dy), returnSequences, out);
      });
      releaseGruTape(tape);
      unreleased.unregister(tape);
      return [
        dx,
        tf.tensor2d(g!.dKernel, [inputs, 3 * units]),
        tf.tensor2d(g!.dRecurrent, [units, 3 * units]),
        tf.tensor1d(g!.dBias),
      ];
    };
    // A recorded op whose gradient is never asked for (its output not on the path to the
    // loss, or the recording dropped) still returns its tape: once tfjs drops the gradient
    // function.
    unreleased.register(gradFunc, tape, tape);
    return { value, gradFunc };
  });
  return op(x, kernel, recurrent, bias);
}

/**
 * The wasm backend when it is tfjs' current one: the op then reads its inputs and writes its
 * outputs in place in that backend's heap, saving a copy each way.
 */
function currentWasmBackend(): BackendWasm | null {
  return tf.getBackend() === "wasm" ? tf.backend() as unknown as BackendWasm : null;
}

/**
 * The values of `t`: a view of the wasm backend's heap when `t` lives there (valid until
 * tfjs allocates again), else dataSync().
 */
function valuesOf(t: tf.Tensor): Float32Array {
  const wasm = currentWasmBackend();
  const home = tf.engine().state.tensorInfo.get(t.dataId)?.backend as unknown;
  if (wasm && home === wasm) return wasm.typedArrayFromHeap(t) as Float32Array;
  return t.dataSync() as Float32Array;
}

/**
 * A new float32 tensor of `shape` whose values `write` fills. `write` runs after the
 * tensor's allocation, so views it takes of the wasm heap stay valid.
 */
function newTensor(shape: number[], write: (out: Float32Array) => void): tf.Tensor {
  const wasm = currentWasmBackend();
  if (wasm) {
    const info = wasm.makeOutput(shape, "float32");
    write(wasm.typedArrayFromHeap(info) as Float32Array);
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  write(values);
  return tf.tensor(values, shape);
}

const unreleased = new FinalizationRegistry<GruWasmTape>(releaseGruTape);

function checkShapes(x: number[], kernel: number[], recurrent: number[], bias: number[]): void {
  const units = recurrent[0];
  const ok = x.length === 3 && kernel.length === 2 && kernel[0] === x[2] &&
    kernel[1] === 3 * units && recurrent.length === 2 && recurrent[1] === 3 * units &&
    bias.length === 1 && bias[0] === 3 * units;
  if (!ok) {
    throw new TypeError(
      `fusedGru: expected x [batch, time, in], kernel [in, 3u], recurrent [u, 3u], bias [3u]; ` +
        `got x [${x}], kernel [${kernel}], recurrent [${recurrent}], bias [${bias}]`,
    );
  }
  if (x[1] < 1) throw new RangeError(`fusedGru: x needs at least one time step, got x [${x}]`);
}
