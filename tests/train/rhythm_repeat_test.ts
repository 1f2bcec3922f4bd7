import assert from "node:assert/strict";
import { setupBackend } from "../../lib/backend/mod.ts";
import { RHYTHMS } from "../../lib/data/dataset.ts";
import { compact } from "../../lib/model/mod.ts";
import { quietProgress, repeatRhythms, train } from "../../lib/train/mod.ts";
import { splitBySubject, syntheticConfig, syntheticDataset } from "./_synthetic.ts";

await setupBackend("wasm");

const SR = RHYTHMS.indexOf("SR");
const VT = RHYTHMS.indexOf("VT");

Deno.test("repeatRhythms() lists a named rhythm's segments that many times, the rest once", () => {
  const dataset = syntheticDataset(1, 6); // SR at even indices, VT at odd ones
  assert.equal(dataset.rhythms[0], SR);
  assert.equal(dataset.rhythms[1], VT);
  const indices = Int32Array.from([0, 1, 2, 3]);
  assert.equal(repeatRhythms(dataset, indices, undefined), indices);
  assert.deepEqual(Array.from(repeatRhythms(dataset, indices, { VT: 3 })), [
    0,
    1,
    1,
    1,
    2,
    3,
    3,
    3,
  ]);
  assert.deepEqual(Array.from(repeatRhythms(dataset, indices, { SR: 2, SVT: 5 })), [
    0,
    0,
    1,
    2,
    2,
    3,
  ]);
});

Deno.test("repeatRhythms() refuses an unknown rhythm and counts outside 1…16", () => {
  const dataset = syntheticDataset(1, 2);
  const indices = Int32Array.from([0, 1]);
  assert.throws(() => repeatRhythms(dataset, indices, { AF: 2 } as never), /unknown rhythm AF/);
  for (const bad of [0, 17, 1.5]) {
    assert.throws(
      () => repeatRhythms(dataset, indices, { SVT: bad }),
      /rhythmRepeat.SVT must be an integer from 1 to 16/,
    );
  }
});

Deno.test("train() reads rhythmRepeat: an epoch takes as many steps as the repeated list needs", () => {
  const dataset = syntheticDataset(4, 12);
  const split = splitBySubject(dataset, 3); // 36 training segments, 18 of them VT
  const stepsOf = (config: ReturnType<typeof syntheticConfig>): number => {
    let steps = 0;
    const result = train(dataset, split, compact, config, {
      ...quietProgress,
      epochStart: (_epoch, _epochs, count) => steps = count,
    });
    result.model.dispose();
    return steps;
  };
  assert.equal(stepsOf(syntheticConfig(compact)), 5); // ceil(36 / 8)
  assert.equal(stepsOf(syntheticConfig(compact, { rhythmRepeat: { VT: 3 } })), 9); // 72 / 8
  assert.throws(
    () => train(dataset, split, compact, syntheticConfig(compact, { rhythmRepeat: { VT: 0 } })),
    /rhythmRepeat.VT must be an integer/,
  );
});
