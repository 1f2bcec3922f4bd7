/**
 * Fused training kernels: whole layers (the Conv1D → BatchNorm → ReLU → MaxPool block, and the
 * GRU over a whole sequence) as single tfjs ops with their own gradients, their loops in
 * WebAssembly SIMD (built by wasm_build.ts), and the training twin of a stock model that uses
 * them.
 * Training runs on the twin; the stock model is what is validated and saved.
 *
 * @example Training twin of nnom
 * ```ts
 * import { setupBackend } from "../backend/mod.ts";
 * import { nnom } from "../model/mod.ts";
 * import { buildTrainingModel, copyWeights } from "./mod.ts";
 * await setupBackend("wasm");
 * const { stock, training } = buildTrainingModel(nnom, 1, { fused: true });
 * // … train `training` …
 * copyWeights(training, stock); // before validating or saving `stock`
 * ```
 *
 * @module
 */
export {
  fusedGru,
  gruBackward,
  type GruDims,
  gruForward,
  type GruGradients,
  type GruTape,
} from "./gru.ts";
export {
  gruBackwardWasm,
  gruForwardWasm,
  gruInferenceWasm,
  gruWasmOutput,
  type GruWasmTape,
  releaseGruTape,
} from "./gru_wasm.ts";
export {
  type ConvBlockOptions,
  type ConvBlockWeights,
  FUSED_CONV_BLOCK,
  fusedConvBlock,
} from "./conv_block.ts";
export { FusedConvBlock, type FusedConvBlockArgs } from "./conv_block_layer.ts";
export { WasmHeap } from "./wasm_heap.ts";
export { FusedGru, type FusedGruArgs } from "./gru_layer.ts";
export {
  buildTrainingModel,
  copyWeights,
  type StandsInForWeights,
  type TrainingModels,
} from "./twin.ts";
