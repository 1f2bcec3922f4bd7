/** The training-curves figure: losses and validation Fβ per epoch. */
import type { EpochRecord } from "../train/history.ts";
import type { Figure } from "./figure.ts";

/**
 * Training loss and validation loss (left axis) and validation Fβ at 0.5 and at the epoch's
 * best threshold (right axis, [0, 1]) against the epoch, from a run's history.json. Markers
 * as well as lines, so a one-epoch (quick) run still shows its points.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainingCurves } from "./training_curves.ts";
 *
 * const validation = {
 *   loss: 0.6, fbeta: 0.5, accuracy: 0.7, precision: 0.6, recall: 0.5,
 *   bestThreshold: 0.3, bestThresholdFbeta: 0.8,
 * };
 * const figure = trainingCurves([
 *   { epoch: 1, epochs: 2, loss: 0.7, validation, seconds: 1, samplesPerSecond: 100 },
 *   { epoch: 2, epochs: 2, loss: 0.5, validation, seconds: 1, samplesPerSecond: 100 },
 * ]);
 * assert.equal(figure.data.length, 4);
 * assert.deepEqual(figure.data[0].y, [0.7, 0.5]);
 * ```
 */
export function trainingCurves(history: readonly EpochRecord[]): Figure {
  const epochs = history.map((r) => r.epoch);
  const line = (name: string, y: number[], yaxis: "y" | "y2", dash?: "dot") => ({
    type: "scatter" as const,
    mode: "lines+markers" as const,
    name,
    x: epochs,
    y,
    yaxis,
    ...(dash ? { line: { dash } } : {}),
  });
  return {
    data: [
      line("training loss", history.map((r) => r.loss), "y"),
      line("validation loss", history.map((r) => r.validation.loss), "y"),
      line("validation Fβ at 0.5", history.map((r) => r.validation.fbeta), "y2", "dot"),
      line(
        "validation Fβ at the best threshold",
        history.map((r) => r.validation.bestThresholdFbeta),
        "y2",
        "dot",
      ),
    ],
    layout: {
      title: "Training curves",
      xaxis: { title: "epoch", dtick: 1 },
      yaxis: { title: "binary cross-entropy" },
      yaxis2: { title: "Fβ (β = 2)", overlaying: "y", side: "right", range: [0, 1] },
      legend: { orientation: "h", y: -0.25 },
    },
  };
}
