/**
 * Where an nnom training step spends its time, per tfjs kernel and per part of the network,
 * with the stock layers or with the training twin (fused conv blocks and GRU).
 *
 *   deno run -A lib/fused/conv_block_profile.ts [--fused] [--batch 256] [--steps 3]
 *
 * Kernels are attributed to a part by the shapes they touch (nnom's lengths): "branches"
 * (1250, 625 or 312 positions), "mix" (156 positions, or 4-D with 78: the concatenation and
 * the mix block), everything else "gru+head". The fused kernel's backward pass runs inside
 * its gradient function, not as a kernel: it shows in the wall time only.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { setupBackend, tf } from "../backend/mod.ts";
import { buildModel, nnom } from "../model/mod.ts";
import { buildTrainingModel } from "./twin.ts";
import { batchLoss } from "../train/loss.ts";

/**
 * The nnom model lib/train trains: the training twin of `buildModel(nnom, seed)` (fused conv
 * blocks and GRU, lib/fused/twin.ts), starting from the stock model's initial weights.
 */
export function fusedNnomModel(seed: number): tf.LayersModel {
  const { stock, training } = buildTrainingModel(nnom, seed, { fused: true });
  stock.dispose();
  return training;
}

/** One Adam step on binary cross-entropy at `batch` random segments, as lib/train runs it. */
export function adamStep(model: tf.LayersModel, batch: number): () => void {
  const optimizer = tf.train.adam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const samples = tf.randomNormal([batch, nnom.inputLength, 1], 0, 0.3, "float32", 1);
  const labels = tf.tensor2d(Array.from({ length: batch }, (_, i) => i % 2), [batch, 1]);
  return () => {
    const cost = tf.tidy(() =>
      optimizer.minimize(
        () => batchLoss(model, samples, labels, null),
        true,
        variables,
      )!
    );
    cost.dataSync();
    cost.dispose();
  };
}

/** Kernel milliseconds per step: by kernel name, and by part of nnom. */
export interface StepProfile {
  wallMs: number;
  kernelMs: number;
  byKernel: Map<string, number>;
  byPart: Map<string, number>;
}

/** Profiles `steps` calls of `step` (after 2 warm-up calls); figures are per step. */
export async function profileStep(step: () => void, steps = 3): Promise<StepProfile> {
  step();
  step();
  const started = performance.now();
  for (let i = 0; i < steps; i++) step();
  const wallMs = (performance.now() - started) / steps;
  const byKernel = new Map<string, number>();
  const byPart = new Map<string, number>();
  let kernelMs = 0;
  const add = (map: Map<string, number>, key: string, ms: number) =>
    map.set(key, (map.get(key) ?? 0) + ms / steps);
  for (let i = 0; i < steps; i++) {
    const profile = await tf.profile(() => step());
    for (const k of profile.kernels) {
      const ms = k.kernelTimeMs as number;
      kernelMs += ms / steps;
      add(byKernel, k.name, ms);
      add(byPart, partOf(k.inputShapes, k.outputShapes), ms);
    }
  }
  return { wallMs, kernelMs, byKernel, byPart };
}

function partOf(inputs: (number[] | null)[], outputs: number[][]): string {
  const shapes = [...inputs, ...outputs].filter((s): s is number[] => s !== null);
  const dims = new Set(shapes.flat());
  if ([1250, 625, 312].some((d) => dims.has(d))) return "branches";
  if (dims.has(156) || shapes.some((s) => s.length === 4 && s.includes(78))) return "mix";
  return "gru+head";
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      fused: { type: "boolean", default: false },
      batch: { type: "string", default: "256" },
      steps: { type: "string", default: "3" },
    },
  });
  await setupBackend("wasm");
  tf.env().set("CHECK_COMPUTATION_FOR_ERRORS", false);
  const batch = Number(values.batch);
  const model = values.fused ? fusedNnomModel(1) : buildModel(nnom, 1);
  const p = await profileStep(adamStep(model, batch), Number(values.steps));
  const pct = (ms: number) => `${(100 * ms / p.kernelMs).toFixed(1).padStart(5)} %`;
  const line = (name: string, ms: number) =>
    console.log(`${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms ${pct(ms)}`);
  console.log(
    `${values.fused ? "fused" : "stock"} nnom, batch ${batch}: wall ${p.wallMs.toFixed(1)} ms ` +
      `per step (${(batch / p.wallMs * 1000).toFixed(0)} segments/s), kernels ` +
      `${p.kernelMs.toFixed(1)} ms`,
  );
  for (const [name, ms] of [...p.byPart].sort((a, b) => b[1] - a[1])) line(name, ms);
  console.log("---");
  for (const [name, ms] of [...p.byKernel].sort((a, b) => b[1] - a[1]).slice(0, 15)) line(name, ms);
}
