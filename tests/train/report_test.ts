import assert from "node:assert/strict";
import {
  accuracyByRhythm,
  learningCurveRows,
  thresholdCurve,
  type ValidationPredictions,
} from "../../lib/train/mod.ts";

const predictions: ValidationPredictions = {
  files: ["a", "b", "c", "d", "e"],
  subjects: ["S01", "S01", "S02", "S02", "S02"],
  rhythms: ["VT", "VT", "SR", "SR", "VFb"],
  labels: [1, 1, 0, 0, 1],
  scores: [0.9, 0.4, 0.1, 0.6, 0.7],
};

Deno.test("accuracyByRhythm() gives recall for VA rhythms and the unflagged share for others", () => {
  assert.deepEqual(accuracyByRhythm(predictions, 0.5), [
    { rhythm: "SR", va: false, segments: 2, correct: 1, share: 0.5 },
    { rhythm: "VT", va: true, segments: 2, correct: 1, share: 0.5 },
    { rhythm: "VFb", va: true, segments: 1, correct: 1, share: 1 },
  ]);
});

Deno.test("thresholdCurve() matches binaryMetrics at each threshold", () => {
  const curve = thresholdCurve(predictions.labels, predictions.scores);
  assert.equal(curve.length, 99);
  const at50 = curve[49];
  assert.equal(at50.threshold, 0.5);
  assert.equal(at50.recall, 2 / 3); // 0.9 and 0.7 flagged, 0.4 missed
  assert.equal(at50.precision, 2 / 3); // 0.6 is a false alarm
  assert.equal(curve[0].recall, 1);
});

Deno.test("learningCurveRows() gives three metrics per epoch and run", () => {
  const record = {
    epoch: 1,
    epochs: 1,
    loss: 0.5,
    seconds: 1,
    samplesPerSecond: 10,
    validation: {
      loss: 0.6,
      fbeta: 0.7,
      accuracy: 0.8,
      precision: 0.9,
      recall: 0.6,
      bestThreshold: 0.4,
      bestThresholdFbeta: 0.75,
    },
  };
  const rows = learningCurveRows([{ name: "fold-0", history: [record] }]);
  assert.deepEqual(rows.map((r) => r.value), [0.5, 0.6, 0.7]);
});
