/**
 * Interactive plots of a training run, served on localhost with nodeplotlib (plotly.js in the
 * browser): training curves, the validation precision-recall curve, and sample waveforms per
 * rhythm with the model's probability of VA. `deno task plots` is the command.
 *
 * ```ts ignore
 * import { loadDataset } from "../data/mod.ts";
 * import { loadPlotInputs, runFigures, servePlots } from "./mod.ts";
 *
 * const inputs = await loadPlotInputs("runs/pipeline-quick");
 * const dataset = await loadDataset({ data: inputs.config.data });
 * const server = await servePlots(runFigures(inputs, dataset), { port: 0 });
 * console.log(server.url); // http://127.0.0.1:40123/
 * await server.close();
 * ```
 *
 * The figures are plain data ({@linkcode Figure}: plotly.js traces and layout) made by pure
 * functions, so they are tested without a browser; the page itself is checked in headless
 * Chromium by tests/plots/.
 *
 * @module
 */
export type { Figure } from "./figure.ts";
export { type PrCurve, precisionRecallCurve } from "./pr_curve.ts";
export { precisionRecallFigure } from "./pr_figure.ts";
export { trainingCurves } from "./training_curves.ts";
export { type WaveformSample, waveformSamples } from "./waveform_samples.ts";
export { waveformFigures } from "./waveform_figures.ts";
export { DEFAULT_PER_RHYTHM, runFigures } from "./figures.ts";
export {
  firstPipelineDir,
  loadPlotInputs,
  PIPELINE_INT8_IR,
  PIPELINE_TRAIN_RUN,
  type PlotInputs,
} from "./run_inputs.ts";
export { offlinePage, PLOTLY_PATH } from "./offline_page.ts";
export { type PlotServer, type ServeOptions, servePlots } from "./server.ts";
export { STOP_SIGNALS, stopSignal } from "./stop_signal.ts";
export { fixPlotComponent } from "./plot_component_fix.ts";
