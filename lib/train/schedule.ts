/**
 * The learning-rate schedule and the weight average of a run that keeps "average"
 * (config.ts: KeepRule), so that no checkpoint is chosen by looking at validation subjects.
 */
import { tf } from "../backend/mod.ts";
import type { HyperParameters } from "./config.ts";

/**
 * The learning rate of step `step` (0-based) of `totalSteps`: constant, or half a cosine from
 * the configured rate at step 0 towards 0 after the last step.
 *
 * @example
 * ```ts
 * import { learningRateAt } from "./schedule.ts";
 * const hyper = { learningRate: 1e-3, learningRateSchedule: "cosine" as const };
 * if (learningRateAt(hyper, 0, 100) !== 1e-3) throw new Error("starts at the rate");
 * if (Math.abs(learningRateAt(hyper, 50, 100) - 5e-4) > 1e-12) throw new Error("half way");
 * ```
 */
export function learningRateAt(
  hyper: Pick<HyperParameters, "learningRate" | "learningRateSchedule">,
  step: number,
  totalSteps: number,
): number {
  if ((hyper.learningRateSchedule ?? "constant") === "constant") return hyper.learningRate;
  return hyper.learningRate * 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
}

/**
 * The number of final epochs whose weights a run averages, or 0 when it keeps its best epoch.
 * Throws a RangeError for an unknown keep rule or schedule, or a count that is not an integer
 * in 1…epochs.
 */
export function epochsToAverage(hyper: HyperParameters): number {
  const keep = hyper.keep ?? "best-epoch";
  if (keep !== "best-epoch" && keep !== "average") {
    throw new RangeError(`keep must be "best-epoch" or "average", got ${keep}`);
  }
  const schedule = hyper.learningRateSchedule ?? "constant";
  if (schedule !== "constant" && schedule !== "cosine") {
    throw new RangeError(`learningRateSchedule must be "constant" or "cosine", got ${schedule}`);
  }
  if (keep === "best-epoch") return 0;
  const count = hyper.averageEpochs ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > hyper.epochs) {
    throw new RangeError(
      `averageEpochs must be an integer from 1 to the ${hyper.epochs} epochs, got ${count}`,
    );
  }
  return count;
}

/**
 * `hyper` with `epochs` epochs (a quick run, a cap): an average over more final epochs than
 * that shrinks to all of them.
 *
 * @example
 * ```ts
 * import { defaultsFor, withEpochs } from "./mod.ts";
 * const quick = withEpochs(defaultsFor("twoblock"), 1);
 * if (quick.epochs !== 1 || quick.averageEpochs !== 1) throw new Error("not shrunk");
 * ```
 */
export function withEpochs(hyper: HyperParameters, epochs: number): HyperParameters {
  const changed = { ...hyper, epochs };
  if (changed.averageEpochs !== undefined) {
    changed.averageEpochs = Math.min(changed.averageEpochs, epochs);
  }
  return changed;
}

/** A running mean of a model's weights (all of them: BatchNorm's moving statistics too). */
export class WeightAverage {
  #sums: Float64Array[] = [];
  #shapes: number[][] = [];
  #count = 0;

  /** Adds the weights of `model` as they are now. */
  add(model: tf.LayersModel): void {
    const weights = model.getWeights();
    if (this.#count === 0) {
      this.#sums = weights.map((w) => new Float64Array(w.size));
      this.#shapes = weights.map((w) => w.shape);
    }
    weights.forEach((w, i) => {
      const values = w.dataSync();
      const sum = this.#sums[i];
      for (let j = 0; j < values.length; j++) sum[j] += values[j];
    });
    this.#count++;
  }

  /** Sets `model`'s weights to the mean of those added. Throws a RangeError if none were. */
  applyTo(model: tf.LayersModel): void {
    if (this.#count === 0) throw new RangeError("No weights were added to the average");
    const means = this.#sums.map((sum, i) =>
      tf.tensor(Float32Array.from(sum, (v) => v / this.#count), this.#shapes[i])
    );
    model.setWeights(means);
    tf.dispose(means);
  }
}
