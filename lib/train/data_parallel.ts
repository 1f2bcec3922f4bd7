/**
 * Data-parallel gradients: the batch is split into R fixed contiguous shards, replica 0 (the
 * caller's model, on the calling thread) and R − 1 replicas in Deno workers each compute the
 * loss gradients on their shard, and the results are averaged in replica order, weighted by
 * shard size, so that the mean is the full batch's mean loss and its gradient.
 *
 * Per step, the calling thread sends each worker the current weights (~2k floats for nnom) and
 * its shard, computes shard 0 itself, then blocks in Atomics.wait until the workers have
 * written their shard's loss, gradients and non-trainable weights into shared memory. The
 * caller's optimizer applies the averaged gradients to its own model only: the workers keep
 * no optimizer state and get the new weights with the next step, so the replicas cannot drift
 * apart.
 *
 * BatchNorm: each replica normalises with its own shard's statistics (as PyTorch's
 * DistributedDataParallel without SyncBatchNorm), so with BatchNorm in training mode the
 * result differs from one full-batch step. Each replica's forward pass moves its moving mean
 * and variance; the caller's model gets their average weighted by shard size (every
 * non-trainable weight is averaged), which the workers receive with the next step. That uses
 * every shard's statistics, where taking replica 0's would drop the rest.
 *
 * Determinism: shards, the averaging order (float64, replica 0 first) and each worker's
 * Math.random stream (its dropout masks, seeded by `randomSeed` and the replica index) are
 * fixed, so the same seed and replica count give the same bytes.
 *
 * Measured (24 November 2026, `flock /tmp/timing.lock deno task bench:train --rounds 5`, nnom,
 * batch 256, medians of alternating rounds; the 2 cores shared with two niced trainings and a
 * model search, load average 4–5): one thread 8004 segments/s, 2 replicas 6257 — slower. Other
 * sessions' processes sit in other scheduler autogroups, where nice does not favour us, so a
 * second thread gets little of the second core (two threads of plain JavaScript: 1.16× one
 * thread's throughput). Real training agreed (`deno task train --epochs 2`, 3 alternating
 * rounds: ~7980 vs ~6160 segments/s). Hence `workers` defaults to 1.
 *
 * @example Two replicas' gradients, applied by the caller's optimizer
 * ```ts ignore
 * const pool = ReplicaPool.start(training, spec, { replicas: 2, fused: true, randomSeed: 1 });
 * try {
 *   const { loss, grads } = pool.gradients(samples, labels, null);
 *   optimizer.applyGradients(grads);
 *   tf.dispose(grads);
 * } finally {
 *   pool.terminate(); // a live worker keeps the process running
 * }
 * ```
 *
 * @module
 */
import { type BackendName, tf } from "../backend/mod.ts";
import type { ArchSpec } from "../model/spec.ts";
import type { ClassWeights } from "./config.ts";
import { batchLoss } from "./loss.ts";
import {
  CONTROL_WORDS,
  DONE,
  ERROR_LENGTH,
  FAILED,
  type StartMessage,
  STATUS,
  type StepMessage,
} from "./_replica_worker.ts";

/** How a ReplicaPool is built. */
export interface ReplicaPoolOptions {
  /** Replicas including the caller's model (≥ 2): R − 1 workers are started. */
  replicas: number;
  /** Whether the caller's model is the fused training twin (lib/fused/twin.ts) or the stock model. */
  fused: boolean;
  /** Seed of the workers' Math.random streams (their dropout masks). */
  randomSeed: number;
  /** How long to wait for a worker to start or to finish a step; default 5 minutes. */
  timeoutMs?: number;
}

/** The mean loss of a batch and its gradient per trainable variable (by variable name). */
export interface BatchGradients {
  loss: number;
  grads: tf.NamedTensorMap;
}

const ERROR_BYTES = 4096;
const WORKER_URL = new URL("./_replica_worker.ts", import.meta.url).href;

/**
 * The shards of a batch of `count` among `replicas`: shard r is [floor(r·count/R),
 * floor((r+1)·count/R)), so sizes differ by at most one (and some are empty when count < R).
 *
 * @example
 * ```ts
 * import { shardBounds } from "./data_parallel.ts";
 * const shards = shardBounds(5, 2);
 * if (shards.join(" ") !== "0,2 2,5") throw new Error(shards.join(" "));
 * ```
 */
export function shardBounds(count: number, replicas: number): [number, number][] {
  return Array.from(
    { length: replicas },
    (_, r) => [Math.floor(r * count / replicas), Math.floor((r + 1) * count / replicas)],
  );
}

/** Replicas of a training model in Deno workers, computing shards of each batch's gradient. */
export class ReplicaPool {
  static #running = 0;

  /**
   * Workers started by any pool and not yet terminated, so tests can check that none leaks
   * (Deno's test sanitizers do not count workers).
   */
  static get runningWorkers(): number {
    return ReplicaPool.#running;
  }

  readonly replicas: number;
  #model: tf.LayersModel;
  #trainable: tf.Variable[];
  #nonTrainable: tf.LayerVariable[];
  #workers: Worker[];
  #controls: Int32Array[];
  #results: Float64Array[];
  #errors: Uint8Array[];
  #timeoutMs: number;
  #seq = 0;

  /**
   * Starts `options.replicas − 1` workers, each building `spec`'s training model on the
   * active tfjs backend, and waits (blocking) until all have started. Throws a RangeError for
   * fewer than 2 replicas, and an Error naming the worker if one fails to start (the others
   * are terminated).
   */
  static start(model: tf.LayersModel, spec: ArchSpec, options: ReplicaPoolOptions): ReplicaPool {
    if (!Number.isInteger(options.replicas) || options.replicas < 2) {
      throw new RangeError(
        `Data-parallel training needs at least 2 replicas, got ${options.replicas}`,
      );
    }
    return new ReplicaPool(model, spec, options);
  }

  private constructor(model: tf.LayersModel, spec: ArchSpec, options: ReplicaPoolOptions) {
    this.replicas = options.replicas;
    this.#model = model;
    this.#trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.#nonTrainable = model.nonTrainableWeights;
    this.#timeoutMs = options.timeoutMs ?? 300_000;
    const weights = [...model.trainableWeights, ...model.nonTrainableWeights];
    const resultLength = 1 + weights.reduce((n, w) => n + w.read().size, 0);
    const workers = options.replicas - 1;
    this.#controls = Array.from({ length: workers }, () => {
      const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
      control[DONE] = -1;
      return control;
    });
    this.#results = Array.from(
      { length: workers },
      () => new Float64Array(new SharedArrayBuffer(8 * resultLength)),
    );
    this.#errors = Array.from(
      { length: workers },
      () => new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)),
    );
    this.#workers = [];
    try {
      for (let w = 0; w < workers; w++) {
        const worker = new Worker(WORKER_URL, { type: "module" });
        // An error that escapes the worker's handlers (a module that fails to load) would
        // otherwise end the process once the event loop runs; the blocked wait reports it as
        // a timeout instead.
        worker.onerror = (event) => event.preventDefault();
        this.#workers.push(worker);
        ReplicaPool.#running++;
        const message: StartMessage = {
          kind: "start",
          backend: tf.getBackend() as BackendName,
          spec,
          fused: options.fused,
          randomSeed: (options.randomSeed ^ Math.imul(w + 1, 0x632be5ab)) >>> 0,
          weights: weights.map((v) => ({ name: v.originalName, shape: v.read().shape })),
          trainableCount: model.trainableWeights.length,
          control: this.#controls[w],
          results: this.#results[w],
          errorBytes: this.#errors[w],
        };
        worker.postMessage(message);
      }
      for (let w = 0; w < workers; w++) this.#wait(w, 0, "starting");
    } catch (error) {
      this.terminate();
      throw error;
    }
  }

  /**
   * The mean loss over the batch and its gradients, from R shards computed in parallel
   * (`samples` is [count × inputLength], `labels` [count]). Afterwards the caller's model holds
   * the replicas' average non-trainable weights. The caller owns (and disposes) `grads`.
   * Throws an Error naming the worker and step if a worker fails or does not answer in time.
   */
  gradients(
    samples: Float32Array,
    labels: Float32Array,
    classWeights: ClassWeights | null,
  ): BatchGradients {
    if (this.#workers.length === 0) throw new Error("The replica pool was terminated");
    const count = labels.length;
    const length = samples.length / count;
    const shards = shardBounds(count, this.replicas);
    const seq = ++this.#seq;
    const weights = this.#weightVector();
    const posted: number[] = [];
    for (let w = 0; w < this.#workers.length; w++) {
      const [from, to] = shards[w + 1];
      if (to === from) continue;
      const shard = samples.slice(from * length, to * length);
      const shardLabels = labels.slice(from, to);
      const message: StepMessage = {
        kind: "step",
        seq,
        weights,
        samples: shard,
        labels: shardLabels,
        classWeights,
      };
      this.#workers[w].postMessage(message, [shard.buffer, shardLabels.buffer]);
      posted.push(w);
    }
    const resultLength = this.#results.length > 0 ? this.#results[0].length : 0;
    const sum = new Float64Array(resultLength);
    const [from0, to0] = shards[0];
    if (to0 > from0) {
      addScaled(sum, this.#localResults(samples, labels, from0, to0, classWeights), to0 - from0);
    }
    for (const w of posted) {
      this.#wait(w, seq, `step ${seq}`);
      const [from, to] = shards[w + 1];
      addScaled(sum, this.#results[w], to - from);
    }
    for (let i = 0; i < sum.length; i++) sum[i] /= count;

    const grads: tf.NamedTensorMap = {};
    let at = 1;
    for (const v of this.#trainable) {
      const size = v.size;
      grads[v.name] = tf.tensor(Float32Array.from(sum.subarray(at, at + size)), v.shape);
      at += size;
    }
    tf.tidy(() => {
      for (const v of this.#nonTrainable) {
        const { shape, size } = v.read();
        v.write(tf.tensor(Float32Array.from(sum.subarray(at, at + size)), shape));
        at += size;
      }
    });
    return { loss: sum[0], grads };
  }

  /** Stops the workers (idempotent); the pool cannot compute afterwards. */
  terminate(): void {
    for (const worker of this.#workers) worker.terminate();
    ReplicaPool.#running -= this.#workers.length;
    this.#workers = [];
  }

  /** Replica 0's shard: [loss, gradients…, non-trainable weights…] like a worker's results. */
  #localResults(
    samples: Float32Array,
    labels: Float32Array,
    from: number,
    to: number,
    classWeights: ClassWeights | null,
  ): Float64Array {
    const count = to - from;
    const length = samples.length / labels.length;
    const { value, grads } = tf.tidy(() => {
      const x = tf.tensor3d(samples.subarray(from * length, to * length), [count, length, 1]);
      const y = tf.tensor2d(labels.subarray(from, to), [count, 1]);
      return tf.variableGrads(
        () => batchLoss(this.#model, x, y, classWeights),
        this.#trainable,
      );
    });
    const parts: ArrayLike<number>[] = [value.dataSync()];
    for (const v of this.#trainable) parts.push(grads[v.name].dataSync());
    for (const v of this.#nonTrainable) parts.push(v.read().dataSync());
    tf.dispose([value, grads]);
    return concatenated(new Float64Array(totalLength(parts)), parts);
  }

  /** Every weight of the caller's model, trainable ones first, concatenated. */
  #weightVector(): Float32Array {
    const values = [...this.#trainable, ...this.#nonTrainable.map((v) => v.read())]
      .map((t) => t.dataSync() as Float32Array);
    return concatenated(new Float32Array(totalLength(values)), values);
  }

  /** Blocks until worker `w` has answered request `seq`; throws if it failed or timed out. */
  #wait(w: number, seq: number, what: string): void {
    const control = this.#controls[w];
    const deadline = performance.now() + this.#timeoutMs;
    for (let done = Atomics.load(control, DONE); done < seq; done = Atomics.load(control, DONE)) {
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(
          `Data-parallel worker ${w + 1} did not finish ${what} within ` +
            `${this.#timeoutMs / 1000} s (did it crash? see stderr)`,
        );
      }
      Atomics.wait(control, DONE, done, Math.min(left, 1000));
    }
    if (Atomics.load(control, STATUS) === FAILED) {
      const bytes = this.#errors[w].slice(0, Atomics.load(control, ERROR_LENGTH));
      throw new Error(
        `Data-parallel worker ${w + 1} failed ${what}: ${new TextDecoder().decode(bytes)}`,
      );
    }
  }
}

/** sum += scale · values (float64, element by element). */
function totalLength(parts: readonly ArrayLike<number>[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

/** `out` filled with `parts` one after the other. */
function concatenated<T extends Float32Array | Float64Array>(
  out: T,
  parts: readonly ArrayLike<number>[],
): T {
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function addScaled(sum: Float64Array, values: ArrayLike<number>, scale: number): void {
  for (let i = 0; i < sum.length; i++) sum[i] += scale * values[i];
}
