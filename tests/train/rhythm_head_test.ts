import assert from "node:assert/strict";
import { setupBackend, tf } from "../../lib/backend/mod.ts";
import { RHYTHMS } from "../../lib/data/dataset.ts";
import { buildModel, compact } from "../../lib/model/mod.ts";
import { quietProgress, train, type TrainConfig } from "../../lib/train/mod.ts";
import { attachRhythmHead, checkRhythmHead, rhythmLoss } from "../../lib/train/rhythm_head.ts";
import { splitBySubject, syntheticConfig, syntheticDataset } from "./_synthetic.ts";
import { buildTrainingModel } from "../../lib/fused/twin.ts";
import { candidateSpec, SEEDS } from "../../lib/search/space.ts";

await setupBackend("wasm");

Deno.test("checkRhythmHead() wants a hidden layer of the spec and a positive weight", () => {
  checkRhythmHead({ layer: "fc1", weight: 0.5 }, compact);
  assert.throws(() => checkRhythmHead({ layer: "nope", weight: 1 }, compact), /hidden layer of/);
  assert.throws(
    () => checkRhythmHead({ layer: compact.output, weight: 1 }, compact),
    /hidden layer of/,
  );
  for (const weight of [0, -1, NaN, Infinity]) {
    assert.throws(() => checkRhythmHead({ layer: "fc1", weight }, compact), /positive number/);
  }
});

Deno.test("attachRhythmHead() adds eight logits beside the VA output and shares the layers", () => {
  const model = buildModel(compact, 1);
  const head = attachRhythmHead(model, compact, { layer: "fc1", weight: 1 }, 2);
  const x = tf.randomNormal([3, compact.inputLength, 1], 0, 0.3, "float32", 4);
  const [p, logits] = head.model.predict(x) as tf.Tensor[];
  assert.deepEqual(p.shape, [3, 1]);
  assert.deepEqual(logits.shape, [3, RHYTHMS.length]);
  // The VA output is the model's own.
  assert.deepEqual(p.dataSync(), (model.predict(x) as tf.Tensor).dataSync());
  // Only the head's dense kernel and bias are new.
  assert.equal(head.headWeights.length, 2);
  assert.equal(head.model.trainableWeights.length, model.trainableWeights.length + 2);
  tf.dispose([x, p, logits]);
  model.dispose();
});

Deno.test("rhythmLoss() is the weighted softmax cross-entropy of the true rhythm", () => {
  const logits = tf.tensor2d([[0, 0, 0, 0, 0, 0, 0, Math.log(7)]]);
  // p(last) = 7 / (7 + 7) = 1/2; p(first) = 1/14.
  assert.ok(
    Math.abs(rhythmLoss(logits, tf.tensor1d([7], "int32"), 2).dataSync()[0] - 2 * Math.log(2)) <
      1e-5,
  );
  assert.ok(
    Math.abs(rhythmLoss(logits, tf.tensor1d([0], "int32"), 1).dataSync()[0] - Math.log(14)) < 1e-5,
  );
});

Deno.test("train() with a rhythm head keeps the spec's model, reproducibly, and the head changes it", () => {
  const dataset = syntheticDataset(4, 12);
  const split = splitBySubject(dataset, 3);
  const weightsAfter = (overrides: Partial<TrainConfig>) => {
    const config = syntheticConfig(compact, overrides);
    const { model } = train(dataset, split, compact, config, quietProgress);
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return weights;
  };
  const head = { layer: "fc1", weight: 1 };
  const withHead = weightsAfter({ rhythmHead: head });
  assert.equal(withHead.length, weightsAfter({}).length);
  assert.deepEqual(weightsAfter({ rhythmHead: head }), withHead);
  assert.notDeepEqual(weightsAfter({}), withHead);
  assert.throws(() => weightsAfter({ rhythmHead: { layer: "x", weight: 1 } }), /hidden layer of/);
  assert.throws(() => weightsAfter({ rhythmHead: head, workers: 2 }), /one worker only/);
});

Deno.test("attachRhythmHead() names the layers it can read when the layer is inside a fused block", () => {
  const spec = candidateSpec(SEEDS.find((c) => c.conv3 !== undefined)!);
  const { stock, training } = buildTrainingModel(spec, 1, { fused: true });
  assert.throws(
    () => attachRhythmHead(training, spec, { layer: "b1_relu", weight: 1 }, 2),
    /b1_relu is inside a fused block of the training model; choose one of .*flatten, fc1/,
  );
  stock.dispose();
  training.dispose();
});
