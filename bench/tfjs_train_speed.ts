/**
 * One tfjs figure for the side-by-side training benchmark (bench/train_speed.ts): training and
 * inference segments/s of nnom on the wasm backend, stock layers or fused kernels. The training
 * step is conv_block_profile.ts' adamStep (Adam 1e-3 on binary cross-entropy, as train.ts
 * runs it), batch 256, random inputs (speed does not depend on the values). With `--workers N`
 * the step is data-parallel as lib/train runs it with `workers: N` (lib/train/data_parallel.ts:
 * the batch in N shards, on the main thread and N − 1 Deno workers; inference stays on the main
 * thread). Prints one JSON object.
 *
 *   deno run -A bench/tfjs_train_speed.ts --fused [--workers 2] [--batches 20]
 */
import { setupBackend, tf } from "../lib/backend/mod.ts";
import { type CommandSpec, intOption, parseCommand, runMain } from "../lib/cli/args.ts";
import { adamStep } from "../lib/fused/conv_block_profile.ts";
import { buildTrainingModel } from "../lib/fused/mod.ts";
import { nnom } from "../lib/model/mod.ts";
import { ReplicaPool } from "../lib/train/data_parallel.ts";

const command: CommandSpec = {
  usage: "deno run -A bench/tfjs_train_speed.ts [--fused] [--workers N] [--batch N] [--batches N]",
  summary: "Training and inference segments/s of nnom on tfjs' wasm backend (one JSON line).",
  options: {
    fused: { type: "boolean", description: "Use the fused kernels instead of the stock layers." },
    workers: {
      type: "string",
      value: "N",
      description: "Data-parallel replicas (the main thread and N − 1 workers).",
      default: "1",
    },
    batch: { type: "string", value: "N", description: "Segments per batch.", default: "256" },
    batches: {
      type: "string",
      value: "N",
      description: "Timed batches per figure.",
      default: "20",
    },
  },
};

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const batch = intOption(args, "batch", 1)!;
  const batches = intOption(args, "batches", 1)!;
  const fused = args.fused === true;
  const workers = intOption(args, "workers", 1, 64)!;
  const backend = await setupBackend("wasm");
  const { training } = buildTrainingModel(nnom, 1, { fused });
  const pool = workers > 1
    ? ReplicaPool.start(training, nnom, { replicas: workers, fused, randomSeed: 1 })
    : null;
  const trainStep = pool ? dataParallelAdamStep(pool, batch) : adamStep(training, batch);
  const x = tf.randomNormal([batch, nnom.inputLength, 1], 0, 0.3, "float32", 1);
  // The whole batch in one call, as PyTorch infers it (predict's default slices it by 32).
  const inferStep = () =>
    tf.tidy(() => (training.predict(x, { batchSize: batch }) as tf.Tensor).dataSync());

  const perSecond = (step: () => void) => {
    for (let i = 0; i < 2; i++) step();
    const started = performance.now();
    for (let i = 0; i < batches; i++) step();
    return batches * batch / ((performance.now() - started) / 1000);
  };
  let train: number;
  try {
    train = perSecond(trainStep);
  } finally {
    pool?.terminate();
  }
  const infer = perSecond(inferStep);
  console.log(
    JSON.stringify({ backend, fused, workers, batch, train_per_s: train, infer_per_s: infer }),
  );
});

/** adamStep's step (same inputs, loss and optimizer), its gradient from `pool`'s replicas. */
function dataParallelAdamStep(pool: ReplicaPool, batch: number): () => void {
  const optimizer: tf.Optimizer = tf.train.adam(1e-3);
  const samples = tf.randomNormal([batch, nnom.inputLength, 1], 0, 0.3, "float32", 1)
    .dataSync() as Float32Array;
  const labels = Float32Array.from({ length: batch }, (_, i) => i % 2);
  return () => {
    const { grads } = pool.gradients(samples, labels, null);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
  };
}
