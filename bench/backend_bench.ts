/**
 * The wasm backend's Concat and SplitV, shipped vs ours (lib/backend/concat.ts, split_v.ts),
 * at nnom's shapes for a training batch of 256: the three conv branches [256, 156, 8 | 4 | 4]
 * joined on the channel axis into [256, 156, 16], and that gradient split back (Concat's
 * gradient). The kernels are called directly, without the engine's bookkeeping.
 *
 *   deno bench -A bench/backend_bench.ts
 */
import { tf } from "../lib/backend/mod.ts";
import { concatWasmConfig } from "../lib/backend/concat.ts";
import { splitVWasmConfig } from "../lib/backend/split_v.ts";
import { Prng } from "../lib/train/prng.ts";

// The shipped kernels: nothing has replaced them yet (setupBackend() is not called here).
const stock = {
  concat: tf.getKernel(tf.Concat, "wasm")!,
  splitV: tf.getKernel(tf.SplitV, "wasm")!,
};
if (stock.concat.kernelFunc === concatWasmConfig.kernelFunc) throw new Error("stock Concat lost");
await tf.setBackend("wasm");
const backend = tf.backend();

const BATCH = 256;
const STEPS = 156;
const CHANNELS = [8, 4, 4];
const rng = new Prng(1);
const branches = CHANNELS.map((c) =>
  tf.tensor3d(Float32Array.from({ length: BATCH * STEPS * c }, () => rng.normal()), [
    BATCH,
    STEPS,
    c,
  ])
);
const joined = tf.concat(branches, -1);

function runConcat(config: tf.KernelConfig) {
  const out = config.kernelFunc({
    inputs: branches as unknown as tf.NamedTensorInfoMap,
    backend,
    attrs: { axis: -1 },
  });
  backend.disposeData((out as tf.TensorInfo).dataId);
}

function runSplitV(config: tf.KernelConfig) {
  const outs = config.kernelFunc({
    inputs: { x: joined },
    backend,
    attrs: { numOrSizeSplits: CHANNELS, axis: -1 } as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo[];
  for (const out of outs) backend.disposeData(out.dataId);
}

Deno.bench("Concat shipped: 3 × [256, 156, 8|4|4] → [256, 156, 16]", {
  group: "concat",
  baseline: true,
}, () => runConcat(stock.concat));
Deno.bench("Concat ours", { group: "concat" }, () => runConcat(concatWasmConfig));
Deno.bench("SplitV shipped: [256, 156, 16] → 3 × [256, 156, 8|4|4]", {
  group: "splitV",
  baseline: true,
}, () => runSplitV(stock.splitV));
Deno.bench("SplitV ours", { group: "splitV" }, () => runSplitV(splitVWasmConfig));
