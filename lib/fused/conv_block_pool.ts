/**
 * A worker pool that splits the fused conv block's batch-parallel passes (convolution,
 * normalize + pool, backward sweep) across cores: the main thread takes the first slice of the
 * batch, each worker one more, and the main thread blocks in Atomics.wait until they are done
 * (tfjs kernels are synchronous). Every array the passes share lives in a SharedArrayBuffer;
 * per-slice accumulators are added up by the caller, so results differ from the serial ones
 * only in the order of float64 additions. The batch statistics stay serial (they emulate the
 * backend's summation order).
 *
 * Behind an option: nothing uses it unless asked.
 *
 * @example Two cores for the conv blocks, then back to one
 * ```ts ignore
 * import { setConvBlockExecutor } from "./conv_block.ts";
 * import { ConvBlockPool } from "./conv_block_pool.ts";
 * const pool = new ConvBlockPool(1); // main thread + 1 worker
 * setConvBlockExecutor(pool);
 * // … train …
 * setConvBlockExecutor(null);
 * pool.terminate(); // a live worker keeps the process running
 * ```
 *
 * @module
 */
import type { ConvBlockExecutor } from "./conv_block_kernels.ts";
import { type PhaseJob, runPhase } from "./conv_block_phases.ts";
import type { SliceMessage } from "./conv_block_worker.ts";

/** The serial executor's work, split over the main thread and `workers` Deno workers. */
export class ConvBlockPool implements ConvBlockExecutor {
  readonly parts: number;
  #workers: Worker[];
  #controls: Int32Array[];
  #seq = 0;

  /** Starts `workers` workers (≥ 1); the main thread works too, so parts = workers + 1. */
  constructor(workers = 1) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`A conv block pool needs at least one worker, got ${workers}`);
    }
    this.parts = workers + 1;
    const url = new URL("./conv_block_worker.ts", import.meta.url).href;
    this.#workers = Array.from({ length: workers }, () => new Worker(url, { type: "module" }));
    this.#controls = this.#workers.map(() => new Int32Array(new SharedArrayBuffer(8)));
  }

  float32(length: number): Float32Array {
    return new Float32Array(new SharedArrayBuffer(4 * length));
  }

  float64(length: number): Float64Array {
    return new Float64Array(new SharedArrayBuffer(8 * length));
  }

  int32(length: number): Int32Array {
    return new Int32Array(new SharedArrayBuffer(4 * length));
  }

  /** Runs `job` over `batch` items: slice 0 here, slice i in worker i − 1. */
  run(job: PhaseJob, batch: number): void {
    if (this.#workers.length === 0) throw new Error("The conv block pool was terminated");
    const per = Math.ceil(batch / this.parts);
    const seq = ++this.#seq;
    const posted: number[] = [];
    for (let w = 0; w < this.#workers.length; w++) {
      const b0 = (w + 1) * per;
      const nb = Math.min(per, batch - b0);
      if (nb <= 0) break;
      const control = this.#controls[w];
      Atomics.store(control, 1, 0);
      const message: SliceMessage = { job, part: w + 1, b0, nb, seq, control };
      this.#workers[w].postMessage(message);
      posted.push(w);
    }
    runPhase(job, 0, 0, Math.min(per, batch));
    for (const w of posted) {
      const control = this.#controls[w];
      for (let done = Atomics.load(control, 0); done !== seq; done = Atomics.load(control, 0)) {
        Atomics.wait(control, 0, done);
      }
      if (Atomics.load(control, 1) !== 1) {
        throw new Error(`Conv block worker ${w} failed on a ${job.kind} pass (see stderr)`);
      }
    }
  }

  /** Stops the workers; the pool cannot run afterwards. */
  terminate(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }
}
