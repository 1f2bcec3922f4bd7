/** Every figure of a run, in the order the page shows them. */
import type { Dataset } from "../data/mod.ts";
import type { Figure } from "./figure.ts";
import { precisionRecallFigure } from "./pr_figure.ts";
import type { PlotInputs } from "./run_inputs.ts";
import { trainingCurves } from "./training_curves.ts";
import { waveformFigures } from "./waveform_figures.ts";
import { waveformSamples } from "./waveform_samples.ts";

/** Segments drawn per rhythm unless told otherwise. */
export const DEFAULT_PER_RHYTHM = 3;

/**
 * Training curves, the validation precision-recall curve, then sample waveforms per rhythm
 * (only when `dataset` is given: the segments' samples come from it). Probabilities on the
 * waveforms are the int8 model's when the inputs have one, as the firmware would compute them.
 */
export function runFigures(
  inputs: PlotInputs,
  dataset?: Dataset,
  perRhythm = DEFAULT_PER_RHYTHM,
): Figure[] {
  const figures = [
    trainingCurves(inputs.history),
    precisionRecallFigure(inputs.validation, inputs.metrics.threshold),
  ];
  if (dataset) {
    const samples = waveformSamples(inputs.validation, dataset, perRhythm, inputs.int8);
    figures.push(...waveformFigures(samples, inputs.metrics.threshold));
  }
  return figures;
}
