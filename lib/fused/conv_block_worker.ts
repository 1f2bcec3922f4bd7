/**
 * The worker side of conv_block_pool.ts: runs one batch slice of a phase job, then reports on
 * the shared control words [seq, status] (status 1 = done, 2 = failed) and wakes the waiting
 * main thread.
 */
/// <reference lib="deno.worker" />
import { type PhaseJob, runPhase } from "./conv_block_phases.ts";

/** One slice of one job. */
export interface SliceMessage {
  job: PhaseJob;
  part: number;
  b0: number;
  nb: number;
  seq: number;
  control: Int32Array; // over a SharedArrayBuffer: [seq done, status]
}

self.onmessage = (event: MessageEvent<SliceMessage>) => {
  const { job, part, b0, nb, seq, control } = event.data;
  let status = 1;
  try {
    runPhase(job, part, b0, nb);
  } catch (error) {
    status = 2;
    console.error(`conv block worker: ${(error as Error).stack ?? error}`);
  }
  Atomics.store(control, 1, status);
  Atomics.store(control, 0, seq);
  Atomics.notify(control, 0);
};
