/**
 * Float IR → int8 IR with power-of-two scales (docs/int8-spec.md §15).
 *
 * 1. Calibrate: run the float IR over the calibration segments; every tensor gets a dec from
 *    its max |x| or by KLD.
 * 2. Walk the layers in order, fixing each output's dec from its input's (already final) dec:
 *    ReLU/max-pool/flatten keep it; concat takes the smallest of its inputs (and producers
 *    feeding a concat aim at the group's smallest calibrated dec, so every concat shift is
 *    0); sigmoid outputs are Q0.7; the GRU output is clamped to [7, 15]; conv/dense outputs
 *    are lowered where needed so that every shift is in [0, 30].
 * 3. Quantize weights (per tensor, or per output channel for conv1d and per row for the GRU),
 *    biases at accumulator scale (int32), attach the tables, and validate the result: an int8 IR that leaves this
 *    function obeys every bound the spec relies on, or the call throws naming the layer.
 */
import type { LayerIR, ModelIR, TensorIR, WeightIR } from "../ir/ir.ts";
import { INT8_LIMITS, validateIR } from "../ir/validate.ts";
import { collectStats, decByKld, decForMax, type TensorStats } from "./calibrate.ts";
import { quantizeBias, quantizeRows, weightDecs } from "./weights.ts";
import { sigmoidTable, tanhTable } from "./tables.ts";

/** Options of {@linkcode quantize}. */
export interface QuantizeOptions {
  /** Activation calibration: max |x|, or KLD among max … max + 3 fractional bits. */
  calib: "max" | "kld";
  /**
   * One dec per output channel for conv1d weights and per row (gate, unit) for the GRU's kernel
   * and recurrent kernel; dense layers stay per tensor.
   */
  perChannel: boolean;
}

/** Largest fractional bits of a gate pre-activation (Q3.12 covers the tables' [−8, 8)). */
const MAX_PRE_DEC = 12;

/**
 * The int8 IR of `floatIR`, calibrated on `calibration` ([n × L] raw samples; use training
 * subjects only). Throws a RangeError naming the layer when a bound of the spec cannot be met.
 *
 * @example
 * ```ts ignore
 * const int8IR = quantize(floatIR, trainSamples, { calib: "max", perChannel: false });
 * ```
 */
export function quantize(
  floatIR: ModelIR,
  calibration: Float32Array,
  options: QuantizeOptions,
): ModelIR {
  if (floatIR.form !== "float") {
    throw new TypeError(`quantize needs a float IR, got "${floatIR.form}"`);
  }
  validateIR(floatIR);
  const stats = collectStats(floatIR, calibration, options.calib === "kld");
  const calibrated = (name: string) => {
    const s: TensorStats = stats.get(name)!;
    return options.calib === "kld" ? decByKld(s) : decForMax(s.absMax);
  };
  const concatTarget = concatTargets(floatIR, calibrated);
  const decs = new Map<string, number>([[floatIR.input, calibrated(floatIR.input)]]);
  const layers = floatIR.layers.map((layer) => {
    const { layer: q, outputDec } = quantizeLayer(layer, decs, {
      calibrated: concatTarget.get(layer.output) ?? calibrated(layer.output),
      perChannel: options.perChannel,
    });
    decs.set(layer.output, outputDec);
    return q;
  });
  const tensors: Record<string, TensorIR> = {};
  for (const [name, t] of Object.entries(floatIR.tensors)) {
    tensors[name] = { ...t, dtype: "int8", dec: decs.get(name)! };
  }
  return validateIR({ ...floatIR, form: "int8", tensors, layers });
}

/** For each tensor read by a concat: the smallest calibrated dec among the concat's tensors. */
function concatTargets(ir: ModelIR, calibrated: (name: string) => number): Map<string, number> {
  const targets = new Map<string, number>();
  for (const layer of ir.layers) {
    if (layer.op !== "concat") continue;
    const group = [...layer.inputs, layer.output];
    const shared = Math.min(...group.map(calibrated));
    for (const name of group) targets.set(name, Math.min(shared, targets.get(name) ?? Infinity));
  }
  return targets;
}

interface LayerContext {
  /** The calibrated (or concat-shared) dec of the layer's output. */
  calibrated: number;
  perChannel: boolean;
}

function quantizeLayer(
  layer: LayerIR,
  decs: Map<string, number>,
  context: LayerContext,
): { layer: LayerIR; outputDec: number } {
  const where = `Layer "${layer.name}" (${layer.op})`;
  const dx = decs.get(layer.inputs[0])!;
  const w = layer.weights;
  switch (layer.op) {
    case "relu":
    case "maxpool1d":
    case "flatten":
      return { layer: { ...layer }, outputDec: dx };
    case "concat":
      return { layer: { ...layer }, outputDec: Math.min(...layer.inputs.map((n) => decs.get(n)!)) };
    case "sigmoid": {
      const preDec = Math.min(MAX_PRE_DEC, dx);
      checkPreDec(where, preDec);
      checkShift(where, dx - preDec, "input shift");
      return {
        layer: {
          ...layer,
          attrs: { ...layer.attrs, preDec },
          weights: { sigmoidTable: sigmoidTable() },
        },
        outputDec: 7,
      };
    }
    case "conv1d":
    case "dense": {
      const channels = w.kernel.shape[0];
      const perChannel = context.perChannel && layer.op === "conv1d";
      const dw = weightDecs(w.kernel.data, channels, perChannel);
      const accDecs = dw.map((d) => dx + d);
      const weights: Record<string, WeightIR> = {
        kernel: int8Weight(
          w.kernel.shape,
          quantizeRows(w.kernel.data, dw),
          perChannel ? dw : dw[0],
        ),
        bias: int32Bias(
          where,
          w.bias.shape,
          quantizeBias(w.bias.data, accDecs),
          perChannel ? accDecs : accDecs[0],
        ),
      };
      if (layer.attrs.activation === "sigmoid") {
        const preDec = Math.min(MAX_PRE_DEC, ...accDecs);
        checkPreDec(where, preDec);
        for (const a of accDecs) checkShift(where, a - preDec, "pre-activation shift");
        weights.sigmoidTable = sigmoidTable();
        return { layer: { ...layer, attrs: { ...layer.attrs, preDec }, weights }, outputDec: 7 };
      }
      // Every shift dx + dw[c] − dy must lie in [0, 30].
      let dy = Math.min(context.calibrated, ...accDecs);
      dy = Math.max(dy, Math.max(...accDecs) - INT8_LIMITS.maxShift);
      for (const a of accDecs) checkShift(where, a - dy, "output shift");
      return { layer: { ...layer, weights }, outputDec: dy };
    }
    case "gru": {
      // Rows (gate g, unit u) at index g·U + u; per row with perChannel (spec §11).
      const rows = 3 * (layer.attrs.units as number);
      const dW = weightDecs(w.kernel.data, rows, context.perChannel);
      const dU = weightDecs(w.recurrent.data, rows, context.perChannel);
      const biasDecs = dW.map((d) => dx + d);
      const preDec = Math.min(MAX_PRE_DEC, ...biasDecs, ...dU.map((d) => 15 + d));
      checkPreDec(where, preDec);
      for (let row = 0; row < rows; row++) {
        checkShift(where, biasDecs[row] - preDec, `row ${row} input gate shift`);
        checkShift(where, 15 + dU[row] - preDec, `row ${row} recurrent gate shift`);
      }
      const scalarOr = (decs: number[]) => (context.perChannel ? decs : decs[0]);
      const weights: Record<string, WeightIR> = {
        kernel: int8Weight(w.kernel.shape, quantizeRows(w.kernel.data, dW), scalarOr(dW)),
        recurrent: int8Weight(w.recurrent.shape, quantizeRows(w.recurrent.data, dU), scalarOr(dU)),
        bias: int32Bias(
          where,
          w.bias.shape,
          quantizeBias(w.bias.data, biasDecs),
          scalarOr(biasDecs),
        ),
        tanhTable: tanhTable(),
      };
      if (layer.attrs.recurrentActivation === "sigmoid") weights.sigmoidTable = sigmoidTable();
      const outputDec = Math.min(Math.max(context.calibrated, 7), 15);
      return { layer: { ...layer, attrs: { ...layer.attrs, preDec }, weights }, outputDec };
    }
  }
}

function int8Weight(shape: number[], data: number[], dec: number | number[]): WeightIR {
  return { shape, dtype: "int8", data, dec };
}

function int32Bias(
  where: string,
  shape: number[],
  data: number[],
  dec: number | number[],
): WeightIR {
  const worst = Math.max(...data.map(Math.abs));
  if (worst > INT8_LIMITS.maxBias) {
    throw new RangeError(
      `${where}: a bias is ${worst} at accumulator scale, above 2^29; the inputs' or weights' dec is too large`,
    );
  }
  return { shape, dtype: "int32", data, dec };
}

function checkPreDec(where: string, preDec: number): void {
  if (preDec < 1) {
    throw new RangeError(`${where}: pre-activation dec ${preDec} < 1; the input range is too wide`);
  }
}

function checkShift(where: string, shift: number, what: string): void {
  if (shift < 0 || shift > INT8_LIMITS.maxShift) {
    throw new RangeError(`${where}: ${what} ${shift} is outside [0, ${INT8_LIMITS.maxShift}]`);
  }
}
