/** Figures of sample waveforms: one per rhythm, each segment a trace named with its scores. */
import { SAMPLE_RATE_HZ } from "../data/signal.ts";
import type { Figure } from "./figure.ts";
import type { WaveformSample } from "./waveform_samples.ts";

/**
 * One figure per rhythm (in the order of `samples`), the segments of that rhythm as traces
 * against time in seconds. Each trace's name gives the file, the int8 probability of VA and
 * the class it implies (when known), and the float score, so the legend reads as predictions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { waveformFigures } from "./waveform_figures.ts";
 *
 * const sample = {
 *   file: "S01-VT-1.txt", rhythm: "VT", label: 1, samples: new Float32Array(4),
 *   floatScore: 0.875, int8: { probability: 0.8671875, predicted: 1 as const },
 * };
 * const [figure] = waveformFigures([sample], 0.5);
 * assert.equal(figure.data[0].name, "S01-VT-1: int8 0.867 → VA, float 0.875");
 * assert.deepEqual(figure.data[0].x, [0, 0.004, 0.008, 0.012]);
 * ```
 */
export function waveformFigures(samples: readonly WaveformSample[], threshold: number): Figure[] {
  const byRhythm = new Map<string, WaveformSample[]>();
  for (const s of samples) byRhythm.set(s.rhythm, [...(byRhythm.get(s.rhythm) ?? []), s]);
  return [...byRhythm].map(([rhythm, group]) => ({
    data: group.map((s) => ({
      type: "scatter" as const,
      mode: "lines" as const,
      name: traceName(s, threshold),
      x: Array.from(s.samples, (_, i) => i / SAMPLE_RATE_HZ),
      y: Array.from(s.samples),
    })),
    layout: {
      title: `${rhythm} (${group[0].label === 1 ? "VA" : "non-VA"}): ${group.length} ` +
        `validation segment${group.length === 1 ? "" : "s"}`,
      xaxis: { title: "time (s)" },
      yaxis: { title: "IEGM (raw units)" },
      legend: { orientation: "h", y: -0.25 },
    },
  }));
}

function traceName(s: WaveformSample, threshold: number): string {
  const name = s.file.replace(/\.txt$/, "");
  const float = `float ${s.floatScore.toFixed(3)}`;
  if (!s.int8) return `${name}: ${float} → ${s.floatScore >= threshold ? "VA" : "non-VA"}`;
  const verdict = s.int8.predicted === 1 ? "VA" : "non-VA";
  return `${name}: int8 ${s.int8.probability.toFixed(3)} → ${verdict}, ${float}`;
}
