/**
 * A data-parallel replica in a Deno worker (started by data_parallel.ts' ReplicaPool): builds
 * the training model of the spec it is given, then per step takes the current weights and a
 * shard of the batch, and writes its shard's mean loss, the loss gradients and its updated
 * non-trainable weights (BatchNorm's moving statistics) into the shared results buffer.
 *
 * The main thread blocks in Atomics.wait while replicas compute (training is synchronous), so
 * replies go through shared memory, never through postMessage: `control[DONE]` is the last
 * finished request (0 = started), `control[STATUS]` says whether it succeeded, and a failure's
 * message is in the shared error bytes.
 *
 * @module
 */
import { type BackendName, setupBackend, tf } from "../backend/mod.ts";
import { buildTrainingModel } from "../fused/twin.ts";
import type { ArchSpec } from "../model/spec.ts";
import type { ClassWeights } from "./config.ts";
import { batchLoss } from "./loss.ts";
import { Prng } from "./prng.ts";

/** Indices into a replica's control words (Int32Array over a SharedArrayBuffer). */
export const DONE = 0;
export const STATUS = 1;
export const ERROR_LENGTH = 2;
export const CONTROL_WORDS = 3;
/** `control[STATUS]` values. */
export const OK = 1;
export const FAILED = 2;

/** The first message: what to build, and where to answer. */
export interface StartMessage {
  kind: "start";
  backend: BackendName;
  spec: ArchSpec;
  fused: boolean;
  /** Seed of this replica's Math.random (its dropout masks). */
  randomSeed: number;
  /** `originalName` and shape of every weight, trainable ones first, as the main model has them. */
  weights: { name: string; shape: number[] }[];
  trainableCount: number;
  control: Int32Array;
  /** [loss, gradients of the trainable weights…, non-trainable weights…], float64. */
  results: Float64Array;
  errorBytes: Uint8Array;
}

/** One step: the weights to use and this replica's shard of the batch. */
export interface StepMessage {
  kind: "step";
  seq: number;
  /** Every weight, concatenated in StartMessage.weights' order. */
  weights: Float32Array;
  /** [count × inputLength] and [count]. */
  samples: Float32Array;
  labels: Float32Array;
  classWeights: ClassWeights | null;
}

interface Replica {
  start: StartMessage;
  model: tf.LayersModel;
  variables: tf.LayerVariable[];
}

let replica: Replica | null = null;
let control: Int32Array | null = null;
let errorBytes: Uint8Array | null = null;

function answer(seq: number, error: unknown): void {
  if (!control || !errorBytes) return;
  if (error === null) {
    Atomics.store(control, STATUS, OK);
  } else {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const bytes = new TextEncoder().encode(text).subarray(0, errorBytes.length);
    errorBytes.set(bytes);
    Atomics.store(control, ERROR_LENGTH, bytes.length);
    Atomics.store(control, STATUS, FAILED);
  }
  Atomics.store(control, DONE, seq);
  Atomics.notify(control, DONE);
}

async function start(message: StartMessage): Promise<void> {
  await setupBackend(message.backend);
  const { stock, training } = buildTrainingModel(message.spec, 1, { fused: message.fused });
  if (stock !== training) stock.dispose();
  const variables = [...training.trainableWeights, ...training.nonTrainableWeights];
  const expected = message.weights;
  const mismatch = variables.length !== expected.length ||
    variables.some((v, i) =>
      v.originalName !== expected[i].name || v.read().shape.join() !== expected[i].shape.join()
    );
  if (mismatch || training.trainableWeights.length !== message.trainableCount) {
    throw new TypeError(
      `The replica of "${message.spec.name}" has weights ` +
        `${variables.map((v) => `${v.originalName} [${v.shape}]`).join(", ")}; the main model ` +
        `${expected.map((w) => `${w.name} [${w.shape}]`).join(", ")}`,
    );
  }
  // Seeded after building, so the stream is the same whatever building draws.
  const rng = new Prng(message.randomSeed);
  Math.random = () => rng.next();
  replica = { start: message, model: training, variables };
}

function step(message: StepMessage): void {
  if (!replica) throw new Error("The replica has not started");
  const { model, variables, start } = replica;
  const count = message.labels.length;
  const length = message.samples.length / count;
  tf.tidy(() => {
    let offset = 0;
    for (const variable of variables) {
      const { shape, size } = variable.read();
      variable.write(tf.tensor(message.weights.subarray(offset, offset + size), shape));
      offset += size;
    }
  });
  const trainable = variables.slice(0, start.trainableCount).map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor3d(message.samples, [count, length, 1]);
    const y = tf.tensor2d(message.labels, [count, 1]);
    return tf.variableGrads(() => batchLoss(model, x, y, message.classWeights), trainable);
  });
  const results = start.results;
  results[0] = value.dataSync()[0];
  let at = 1;
  for (const v of trainable) {
    const g = grads[v.name].dataSync();
    for (let i = 0; i < g.length; i++) results[at + i] = g[i];
    at += g.length;
  }
  for (const v of variables.slice(start.trainableCount)) {
    const w = v.read().dataSync();
    for (let i = 0; i < w.length; i++) results[at + i] = w[i];
    at += w.length;
  }
  tf.dispose([value, grads]);
}

const scope = self as unknown as { onmessage: (event: MessageEvent) => void };
scope.onmessage = async (event: MessageEvent<StartMessage | StepMessage>) => {
  const message = event.data;
  if (message.kind === "start") {
    control = message.control;
    errorBytes = message.errorBytes;
    try {
      await start(message);
      answer(0, null);
    } catch (error) {
      answer(0, error);
    }
    return;
  }
  try {
    step(message);
    answer(message.seq, null);
  } catch (error) {
    answer(message.seq, error);
  }
};
