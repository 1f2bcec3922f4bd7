/** The per-layer report: what each layer computes, stores and costs, and how accurate it is. */
import type { LayerIR, ModelIR } from "../ir/ir.ts";
import { describeSharing, layerWorkspace, type MemoryPlan, tensorBytes } from "../plan/mod.ts";
import { countMacs, countParams } from "./counts.ts";

/** One layer of the report. */
export interface LayerRow {
  /** Position in execution order. */
  index: number;
  name: string;
  op: LayerIR["op"];
  /** What is applied after the linear part: "relu+pool4", "sigmoid", "tanh/hard_sigmoid", "-". */
  activation: string;
  outputShape: number[];
  macs: number;
  params: number;
  /** Bytes of all tensors the layer reads. */
  inputBytes: number;
  /** Bytes of the tensor the layer writes. */
  outputBytes: number;
  /** Recurrent state the layer keeps while it runs. */
  stateBytes: number;
  /** Scratch the layer needs while it runs. */
  scratchBytes: number;
  /** Arena offset of the output tensor. */
  offset: number;
  /** Layers over which the output tensor lives (inclusive). */
  firstLayer: number;
  lastLayer: number;
  /** How the output shares bytes: "in concat@8" (a view), "=gru" (an alias), or "". */
  shares: string;
  /** SQNR of the int8 output against the float output, in dB, when known. */
  sqnrDb: number | null;
}

/**
 * One row per layer of `ir`, with the memory figures of `plan`. `sqnrDb` (from the quantizer's
 * sqnrByLayer, keyed by layer name) fills the SQNR column; layers it lacks get null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layerReport } from "./mod.ts";
 * import { planMemory } from "../plan/mod.ts";
 * import type { ModelIR } from "../ir/ir.ts";
 *
 * const ir: ModelIR = {
 *   magic: "IEGM-IR", version: 1, arch: "example", form: "int8",
 *   input: "x", inputClip: null, output: "y", threshold: 0.5,
 *   tensors: { x: { shape: [936], dtype: "int8" }, y: { shape: [1], dtype: "int8" } },
 *   layers: [{
 *     name: "y", op: "dense", inputs: ["x"], output: "y", attrs: { activation: "sigmoid" },
 *     weights: { kernel: { shape: [1, 936], dtype: "int8", data: [] } },
 *   }],
 * };
 * const [row] = layerReport(ir, planMemory(ir), { y: 31.5 });
 * assert.deepEqual(
 *   [row.activation, row.macs, row.params, row.inputBytes, row.outputBytes, row.sqnrDb],
 *   ["sigmoid", 936, 936, 936, 1, 31.5],
 * );
 * ```
 */
export function layerReport(
  ir: ModelIR,
  plan: MemoryPlan,
  sqnrDb?: Record<string, number>,
): LayerRow[] {
  const macs = countMacs(ir).byLayer;
  const params = countParams(ir).byLayer;
  return ir.layers.map((layer, index) => {
    const placement = plan.tensors[layer.output];
    if (!placement) {
      throw new ReferenceError(`Layer "${layer.name}": output "${layer.output}" is not planned`);
    }
    const { stateBytes, scratchBytes } = layerWorkspace(layer, ir);
    return {
      index,
      name: layer.name,
      op: layer.op,
      activation: activationOf(layer),
      outputShape: [...ir.tensors[layer.output].shape],
      macs: macs[layer.name],
      params: params[layer.name],
      inputBytes: layer.inputs.reduce((sum, input) => sum + tensorBytes(ir, input), 0),
      outputBytes: placement.bytes,
      stateBytes,
      scratchBytes,
      offset: placement.offset,
      firstLayer: placement.firstLayer,
      lastLayer: placement.lastLayer,
      shares: describeSharing(layer.output, plan),
      sqnrDb: sqnrDb?.[layer.name] ?? null,
    };
  });
}

/** The non-linear part of a layer, as the report shows it. */
function activationOf(layer: LayerIR): string {
  const { attrs } = layer;
  switch (layer.op) {
    case "conv1d": {
      const pool = Number(attrs.pool ?? 1);
      const activation = String(attrs.activation ?? "linear");
      return pool > 1 ? `${activation}+pool${pool}` : activation;
    }
    case "dense":
      return String(attrs.activation ?? "linear");
    case "gru":
      return `${attrs.activation ?? "tanh"}/${attrs.recurrentActivation ?? "hard_sigmoid"}`;
    case "relu":
    case "sigmoid":
      return layer.op;
    case "maxpool1d":
      return `pool${attrs.pool}`;
    default:
      return "-";
  }
}
