/**
 * Fused training kernels: whole layers (today the GRU over a whole sequence) as single tfjs
 * ops with their own gradients, and the training twin of a stock model that uses them.
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
export { gruBackwardWasm, gruForwardWasm, gruWasmOutput, type GruWasmTape } from "./gru_wasm.ts";
export { FusedGru, type FusedGruArgs } from "./gru_layer.ts";
export {
  buildTrainingModel,
  copyWeights,
  type StandsInForWeights,
  type TrainingModels,
} from "./twin.ts";
