/**
 * tfjs model + ArchSpec → float IR.
 *
 * Walks the spec in order. A conv1d absorbs the chain that follows it when each link is the
 * only reader of the previous one: BatchNorm (folded into kernel and bias), ReLU (attr
 * `activation: "relu"`) and MaxPool (attr `pool`). The fused layer is named after the conv and
 * writes the tensor named after the last absorbed layer, so later layers read the names they
 * read in the spec. Dropout disappears: its readers read its input instead.
 */
import type { tf } from "../backend/mod.ts";
import type { ArchSpec, LayerSpec } from "../model/spec.ts";
import { INPUT } from "../model/spec.ts";
import type { LayerIR, ModelIR, TensorIR, WeightIR } from "./ir.ts";
import { IR_MAGIC, IR_VERSION } from "./ir.ts";
import { convOutputLength, samePadBefore } from "./geometry.ts";

/** Options of {@linkcode convertModel}. */
export interface ConvertOptions {
  /** Decision threshold on the output probability (the run's validation threshold). */
  threshold: number;
}

/**
 * The float IR of `model`, built as `spec` describes (BatchNorm folded, dropout dropped,
 * conv → BN → ReLU → MaxPool fused). Throws a TypeError naming the layer when the model and
 * the spec disagree or the spec holds something the IR cannot express.
 */
export function convertModel(
  model: tf.LayersModel,
  spec: ArchSpec,
  options: ConvertOptions,
): ModelIR {
  const readers = countReaders(spec);
  const alias = new Map<string, string>(); // spec tensor name → IR tensor name
  const resolve = (name: string) => alias.get(name) ?? name;
  const tensors: Record<string, TensorIR> = {
    [INPUT]: { shape: [spec.inputLength, 1], dtype: "float32" },
  };
  const layers: LayerIR[] = [];
  const weightsOf = (name: string) => {
    try {
      return model.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
    } catch {
      throw new TypeError(`Layer "${name}": the model has no layer of that name`);
    }
  };

  for (let i = 0; i < spec.layers.length; i++) {
    const layer = spec.layers[i];
    const inputs = layer.inputs.map(resolve);
    const inShapes = inputs.map((name) => tensors[name].shape);
    const add = (ir: LayerIR, shape: number[]) => {
      layers.push(ir);
      tensors[ir.output] = { shape, dtype: "float32" };
    };
    switch (layer.op) {
      case "conv1d": {
        const chain = fusableChain(spec, i, readers);
        const [tIn, cIn] = inShapes[0];
        const [kernelTf, biasTf] = weightsOf(layer.name);
        const kernel = transposeConvKernel(kernelTf, layer.kernel, cIn, layer.filters);
        const bias = biasTf ?? new Array(layer.filters).fill(0);
        let activation = "linear";
        let pool = 1;
        for (const link of chain) {
          if (link.op === "batchnorm") {
            const config = model.getLayer(link.name).getConfig();
            foldBatchNorm(kernel, bias, weightsOf(link.name), Number(config.epsilon ?? 1e-3));
          } else if (link.op === "relu") activation = "relu";
          else if (link.op === "maxpool1d") pool = link.pool;
        }
        const tConv = convOutputLength(tIn, layer.kernel, layer.stride, layer.padding);
        const output = chain.length ? chain[chain.length - 1].name : layer.name;
        add({
          name: layer.name,
          op: "conv1d",
          inputs,
          output,
          attrs: {
            kernel: layer.kernel,
            stride: layer.stride,
            padding: layer.padding,
            padBefore: layer.padding === "same"
              ? samePadBefore(tIn, layer.kernel, layer.stride)
              : 0,
            activation,
            pool,
          },
          weights: {
            kernel: floatWeight([layer.filters, layer.kernel, cIn], kernel),
            bias: floatWeight([layer.filters], bias),
          },
        }, [Math.floor(tConv / pool), layer.filters]);
        i += chain.length;
        break;
      }
      case "batchnorm":
        throw new TypeError(
          `Layer "${layer.name}": a BatchNorm must directly follow the conv1d it folds into`,
        );
      case "dropout":
        alias.set(layer.name, inputs[0]);
        break;
      case "relu":
        add(simpleLayer(layer, inputs, {}), inShapes[0]);
        break;
      case "maxpool1d": {
        const [tIn, c] = inShapes[0];
        const tOut = Math.floor((tIn - layer.pool) / layer.pool) + 1;
        add(simpleLayer(layer, inputs, { pool: layer.pool, stride: layer.pool }), [tOut, c]);
        break;
      }
      case "concat": {
        const t = inShapes[0][0];
        for (const [k, shape] of inShapes.entries()) {
          if (shape.length !== 2 || shape[0] !== t) {
            throw new TypeError(
              `Layer "${layer.name}": input "${
                inputs[k]
              }" has shape [${shape}], expected [${t}, C]`,
            );
          }
        }
        add(simpleLayer(layer, inputs, {}), [t, inShapes.reduce((s, sh) => s + sh[1], 0)]);
        break;
      }
      case "flatten":
        add(simpleLayer(layer, inputs, {}), [inShapes[0].reduce((a, b) => a * b, 1)]);
        break;
      case "dense": {
        const nIn = inShapes[0].length === 1 ? inShapes[0][0] : NaN;
        if (!Number.isFinite(nIn)) {
          throw new TypeError(
            `Layer "${layer.name}": dense needs a flat input, got [${inShapes[0]}]`,
          );
        }
        const [kernelTf, biasTf] = weightsOf(layer.name);
        add({
          ...simpleLayer(layer, inputs, { activation: layer.activation }),
          weights: {
            kernel: floatWeight([layer.units, nIn], transpose2d(kernelTf, nIn, layer.units)),
            bias: floatWeight([layer.units], biasTf ?? new Array(layer.units).fill(0)),
          },
        }, [layer.units]);
        break;
      }
      case "gru": {
        const [t, nIn] = inShapes[0];
        const u = layer.units;
        const config = model.getLayer(layer.name).getConfig();
        const [kernelTf, recurrentTf, biasTf] = weightsOf(layer.name);
        add({
          ...simpleLayer(layer, inputs, {
            units: u,
            returnSequences: layer.returnSequences,
            recurrentActivation: activationName(config.recurrentActivation, layer.name),
            activation: "tanh",
          }),
          weights: {
            kernel: floatWeight([3, u, nIn], transpose2d(kernelTf, nIn, 3 * u)),
            recurrent: floatWeight([3, u, u], transpose2d(recurrentTf, u, 3 * u)),
            bias: floatWeight([3, u], biasTf ?? new Array(3 * u).fill(0)),
          },
        }, layer.returnSequences ? [t, u] : [u]);
        break;
      }
    }
  }
  return {
    magic: IR_MAGIC,
    version: IR_VERSION,
    arch: spec.name,
    form: "float",
    input: INPUT,
    inputClip: spec.inputClip,
    ...(spec.peakNormalize ? { peakNormalize: true } : {}),
    output: resolve(spec.output),
    threshold: options.threshold,
    ...(spec.rateGateBpm === undefined ? {} : { rateGateBpm: spec.rateGateBpm }),
    ...(spec.fastZone === undefined ? {} : { fastZone: { ...spec.fastZone } }),
    ...(spec.belowGateThreshold === undefined
      ? {}
      : { belowGateThreshold: spec.belowGateThreshold }),
    tensors,
    layers,
  };
}

/** How many layers read each tensor (a tensor read twice by one concat counts twice). */
function countReaders(spec: ArchSpec): Map<string, number> {
  const readers = new Map<string, number>();
  for (const layer of spec.layers) {
    for (const name of layer.inputs) readers.set(name, (readers.get(name) ?? 0) + 1);
  }
  readers.set(spec.output, (readers.get(spec.output) ?? 0) + 1);
  return readers;
}

/** The BN/ReLU/MaxPool layers after the conv at `i` that fuse into it, in order. */
function fusableChain(spec: ArchSpec, i: number, readers: Map<string, number>): LayerSpec[] {
  const order = ["batchnorm", "relu", "maxpool1d"];
  const chain: LayerSpec[] = [];
  let previous = spec.layers[i];
  let stage = 0;
  for (let j = i + 1; j < spec.layers.length; j++) {
    const next = spec.layers[j];
    const stageOfNext = order.indexOf(next.op, stage);
    const readsPrevious = next.inputs.length === 1 && next.inputs[0] === previous.name;
    if (stageOfNext < 0 || !readsPrevious || readers.get(previous.name) !== 1) break;
    chain.push(next);
    previous = next;
    stage = stageOfNext + 1;
  }
  return chain;
}

/** tfjs conv1d kernel [K, Cin, Cout] → IR [Cout, K, Cin]. */
function transposeConvKernel(w: number[], k: number, cIn: number, cOut: number): number[] {
  const out = new Array<number>(w.length);
  for (let co = 0; co < cOut; co++) {
    for (let kk = 0; kk < k; kk++) {
      for (let ci = 0; ci < cIn; ci++) {
        out[(co * k + kk) * cIn + ci] = w[(kk * cIn + ci) * cOut + co];
      }
    }
  }
  return out;
}

/** tfjs [rows, cols] → [cols, rows] (Keras stores dense and GRU kernels input-major). */
function transpose2d(w: number[], rows: number, cols: number): number[] {
  const out = new Array<number>(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

/**
 * Folds y = γ·(x − μ)/√(σ² + ε) + β into the conv in place (float64):
 * w' = w·γ/√(σ² + ε), b' = (b − μ)·γ/√(σ² + ε) + β.
 */
function foldBatchNorm(kernel: number[], bias: number[], bn: number[][], epsilon: number): void {
  const [gamma, beta, mean, variance] = bn;
  const cOut = bias.length;
  const perChannel = kernel.length / cOut;
  for (let c = 0; c < cOut; c++) {
    const factor = gamma[c] / Math.sqrt(variance[c] + epsilon);
    for (let i = 0; i < perChannel; i++) kernel[c * perChannel + i] *= factor;
    bias[c] = (bias[c] - mean[c]) * factor + beta[c];
  }
}

function floatWeight(shape: number[], data: number[]): WeightIR {
  return { shape, dtype: "float32", data };
}

function simpleLayer(
  layer: LayerSpec,
  inputs: string[],
  attrs: LayerIR["attrs"],
): LayerIR {
  return {
    name: layer.name,
    op: layer.op as LayerIR["op"],
    inputs,
    output: layer.name,
    attrs,
    weights: {},
  };
}

/** "hard_sigmoid" | "sigmoid" from a tfjs activation config entry. */
function activationName(config: unknown, layer: string): string {
  const raw = typeof config === "string"
    ? config
    : String((config as { className?: string })?.className ?? "");
  const name = raw.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
  if (name !== "hard_sigmoid" && name !== "sigmoid") {
    throw new TypeError(`Layer "${layer}": recurrent activation "${raw}" is not supported`);
  }
  return name;
}
