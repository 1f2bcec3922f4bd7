/**
 * Test fixtures shared by tests/ir, tests/interp and tests/quant: real segments from
 * tests/testdata/interp/segments.json, and random-weight tfjs models with non-trivial
 * BatchNorm statistics and biases (seeded, so every run sees the same model).
 */
import { setupBackend, tf } from "../../lib/backend/mod.ts";
import { type ArchSpec, buildModel } from "../../lib/model/mod.ts";

await setupBackend("wasm");

/** Four real training segments (file names in the JSON), 1,250 float32 samples each. */
export async function loadSegments(): Promise<{ files: string[]; samples: Float32Array[] }> {
  const url = new URL("../testdata/interp/segments.json", import.meta.url);
  const json = JSON.parse(await Deno.readTextFile(url));
  return { files: json.files, samples: json.samples.map((s: number[]) => Float32Array.from(s)) };
}

/** Deterministic uniform numbers in [0, 1). */
import { mulberry32 } from "../../lib/random/mulberry32.ts";
export const prng = mulberry32;

/**
 * `buildModel(spec, seed)` with every BatchNorm given random γ ∈ [0.5, 1.5], β ∈ [−0.3, 0.3],
 * μ ∈ [−0.2, 0.2], σ² ∈ [0.3, 2], and every bias random in [−0.2, 0.2].
 */
export function randomModel(spec: ArchSpec, seed: number): tf.LayersModel {
  const model = buildModel(spec, seed);
  const random = prng(seed * 7919 + 1);
  const uniform = (n: number, lo: number, hi: number) =>
    tf.tensor1d(Array.from({ length: n }, () => lo + (hi - lo) * random()));
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    const className = layer.getClassName();
    if (className === "BatchNormalization") {
      const n = weights[0].shape[0];
      layer.setWeights([
        uniform(n, 0.5, 1.5),
        uniform(n, -0.3, 0.3),
        uniform(n, -0.2, 0.2),
        uniform(n, 0.3, 2),
      ]);
    } else if (weights.length >= 2) {
      const biasIndex = weights.length - 1;
      const next = weights.slice();
      next[biasIndex] = uniform(weights[biasIndex].size, -0.2, 0.2).reshape(
        weights[biasIndex].shape,
      );
      layer.setWeights(next);
    }
  }
  return model;
}

/** tfjs predictions of `model` for clipped segments, one probability each. */
export function tfjsPredict(model: tf.LayersModel, spec: ArchSpec, segments: Float32Array[]) {
  return tf.tidy(() => {
    const clipped = segments.map((s) => {
      const c = spec.inputClip;
      return c === null ? s : s.map((v) => Math.min(Math.max(v, -c), c));
    });
    const x = tf.tensor3d(
      clipped.flatMap((s) => Array.from(s)),
      [segments.length, spec.inputLength, 1],
    );
    return Array.from((model.predict(x) as tf.Tensor).dataSync());
  });
}

/** Segments concatenated into one [n × 1250] array, as quantize() and sqnrByLayer() take them. */
export function concatSegments(segments: Float32Array[]): Float32Array {
  const out = new Float32Array(segments.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const s of segments) {
    out.set(s, offset);
    offset += s.length;
  }
  return out;
}
