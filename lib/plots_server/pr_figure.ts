/** The precision-recall figure of a run's validation predictions. */
import { binaryMetrics } from "../metrics/metrics.ts";
import type { ValidationPredictions } from "../train/history.ts";
import type { Figure } from "./figure.ts";
import { precisionRecallCurve } from "./pr_curve.ts";

/**
 * The precision-recall curve of the kept model's validation scores (validation.json), with the
 * run's decision threshold (metrics.json) marked. Hovering a point shows its threshold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { precisionRecallFigure } from "./pr_figure.ts";
 *
 * const validation = {
 *   files: ["a", "b", "c"], subjects: ["S01", "S01", "S02"], rhythms: ["VT", "SR", "VFb"],
 *   labels: [1, 0, 1], scores: [0.9, 0.4, 0.3],
 * };
 * const figure = precisionRecallFigure(validation, 0.35);
 * assert.deepEqual(figure.data[1].x, [0.5]); // recall at 0.35: one VA of two
 * ```
 */
export function precisionRecallFigure(
  validation: ValidationPredictions,
  threshold: number,
): Figure {
  const curve = precisionRecallCurve(validation.labels, validation.scores);
  const at = binaryMetrics(validation.labels, validation.scores, threshold);
  const positives = validation.labels.filter((l) => l === 1).length;
  return {
    data: [
      {
        type: "scatter",
        mode: "lines+markers",
        name: "validation",
        x: curve.recall,
        y: curve.precision,
        text: curve.thresholds.map((t) => `threshold ${t.toFixed(3)}`),
        line: { shape: "hv" },
      },
      {
        type: "scatter",
        mode: "markers",
        name: `run threshold ${threshold}`,
        x: [at.recall],
        y: [at.precision],
        marker: { size: 12, symbol: "x" },
      },
    ],
    layout: {
      title: `Precision-recall (${validation.labels.length} validation segments, ` +
        `${positives} VA)`,
      xaxis: { title: "recall", range: [0, 1.02] },
      yaxis: { title: "precision", range: [0, 1.02] },
    },
  };
}
