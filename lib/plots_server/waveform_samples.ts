/** A few validation segments per rhythm, with the model's probability of VA for each. */
import { type Dataset, segment } from "../data/mod.ts";
import type { ModelIR } from "../ir/ir.ts";
import { predictClass, quantizeInput, rateZoneOf, runInt8 } from "../interp/mod.ts";
import type { ValidationPredictions } from "../train/history.ts";

/** One validation segment to draw. */
export interface WaveformSample {
  /** Segment file name, e.g. "S06-VT-121.txt". */
  file: string;
  rhythm: string;
  /** 1 = ventricular arrhythmia. */
  label: number;
  /** [1250] raw samples at 250 Hz (a view into the dataset). */
  samples: Float32Array;
  /** The float model's score from validation.json, in [0, 1]. */
  floatScore: number;
  /** The int8 model's probability (raw output / 128) and class, when an int8 model is given. */
  int8?: { probability: number; predicted: 0 | 1 };
}

/**
 * Up to `perRhythm` validation segments of each rhythm present in `validation`, spread evenly
 * over that rhythm's segments (so over subjects too), in the order rhythms first appear.
 * Samples come from `dataset` by file name; with `int8` each is also run through the int8
 * interpreter. Throws an Error naming a validation file that `dataset` lacks.
 */
export function waveformSamples(
  validation: ValidationPredictions,
  dataset: Dataset,
  perRhythm: number,
  int8?: ModelIR,
): WaveformSample[] {
  const indexOf = new Map(dataset.files.map((file, i) => [file, i]));
  const byRhythm = new Map<string, number[]>();
  validation.rhythms.forEach((rhythm, j) => {
    byRhythm.set(rhythm, [...(byRhythm.get(rhythm) ?? []), j]);
  });
  const picked: WaveformSample[] = [];
  for (const members of byRhythm.values()) {
    const n = Math.min(perRhythm, members.length);
    for (let k = 0; k < n; k++) {
      const j = members[Math.floor((k + 0.5) * members.length / n)];
      const file = validation.files[j];
      const i = indexOf.get(file);
      if (i === undefined) {
        throw new Error(
          `Validation segment ${file} is not in the dataset ${dataset.source?.data ?? ""}`.trim(),
        );
      }
      const samples = segment(dataset, i);
      const sample: WaveformSample = {
        file,
        rhythm: validation.rhythms[j],
        label: validation.labels[j],
        samples,
        floatScore: validation.scores[j],
      };
      if (int8) {
        const input = quantizeInput(int8, samples);
        const { output, probability } = runInt8(int8, input);
        sample.int8 = {
          probability,
          predicted: predictClass(int8, output, rateZoneOf(int8, input)),
        };
      }
      picked.push(sample);
    }
  }
  return picked;
}
