import assert from "node:assert/strict";
import {
  applyPlan,
  checkPlan,
  liveIntervals,
  type MemoryPlan,
  planMemory,
  trivialPlan,
} from "../../lib/plan/mod.ts";
import type { LayerIR, ModelIR } from "../../lib/ir/ir.ts";
import { nnomIR, randomGraph, seededRandom } from "./_fixtures.ts";

const RANDOM_GRAPHS = 300;

/** Largest sum of distinct storage bytes live at one layer: no plan can use less arena. */
function peakLiveBytes(ir: ModelIR, plan: MemoryPlan): number {
  const rootOf = (name: string): string => {
    const next = plan.views[name]?.of ?? plan.aliases[name];
    return next === undefined ? name : rootOf(next);
  };
  const intervals = liveIntervals(ir);
  return Math.max(
    ...ir.layers.map((_, index) => {
      const roots = new Set(
        Object.keys(ir.tensors)
          .filter((name) => intervals[name].first <= index && index <= intervals[name].last)
          .map(rootOf),
      );
      return [...roots].reduce((sum, root) => sum + plan.tensors[root].bytes, 0);
    }),
  );
}

function layer(name: string, op: LayerIR["op"], inputs: string[], attrs = {}): LayerIR {
  return { name, op, inputs, output: name, attrs, weights: {} };
}

function smallIR(tensors: ModelIR["tensors"], layers: LayerIR[], output: string): ModelIR {
  return {
    magic: "IEGM-IR",
    version: 1,
    arch: "test",
    form: "int8",
    input: "x",
    inputClip: null,
    output,
    threshold: 0.5,
    tensors,
    layers,
  };
}

Deno.test("planMemory() never overlaps live tensors on 300 random graphs (seed 1)", () => {
  const random = seededRandom(1);
  let withViews = 0;
  let withAliases = 0;
  for (let i = 0; i < RANDOM_GRAPHS; i++) {
    const ir = randomGraph(random);
    const plan = planMemory(ir);
    checkPlan(ir, plan);
    assert.ok(plan.arenaBytes <= trivialPlan(ir).arenaBytes, `graph ${i}: worse than trivial`);
    assert.ok(plan.arenaBytes >= peakLiveBytes(ir, plan), `graph ${i}: below the live peak`);
    if (Object.keys(plan.views).length > 0) withViews++;
    if (Object.keys(plan.aliases).length > 0) withAliases++;
  }
  // The generator must exercise the sharing paths, or this test proves little.
  assert.ok(withViews > 30, `only ${withViews} graphs had views`);
  assert.ok(withAliases > 30, `only ${withAliases} graphs had aliases`);
});

Deno.test("trivialPlan() passes checkPlan() on the same random graphs and shares nothing", () => {
  const random = seededRandom(1);
  for (let i = 0; i < RANDOM_GRAPHS; i++) {
    const ir = randomGraph(random);
    const plan = trivialPlan(ir);
    checkPlan(ir, plan);
    assert.deepEqual([plan.views, plan.aliases], [{}, {}]);
    const offsets = Object.values(plan.tensors).map((placement) => placement.offset);
    assert.equal(new Set(offsets).size, offsets.length, `graph ${i}: two tensors share bytes`);
  }
});

Deno.test("planMemory() plans the nnom graph in at most 4,096 bytes", () => {
  const ir = nnomIR();
  const plan = planMemory(ir);
  checkPlan(ir, plan);
  // Live together while the branches run: input 1,250 (+2 to align) and concat 156 × 16.
  assert.equal(plan.arenaBytes, 1252 + 2496);
  assert.equal(plan.stateBytes, 12 * 2);
  assert.equal(plan.scratchBytes, 2 * 12 * 2);
  assert.equal(plan.totalBytes, 3748 + 24 + 48);
  assert.ok(plan.totalBytes <= 4096);
  assert.equal(plan.arenaBytes, peakLiveBytes(ir, plan) + 2);
});

Deno.test("trivialPlan() of the nnom graph lays every tensor end to end", () => {
  const plan = trivialPlan(nnomIR());
  // input, b5, b9, b13, concat, mix, gru, flatten, out (1 byte, padded to 4).
  const expected = 1252 + 1248 + 624 + 624 + 2496 + 312 + 936 + 936 + 4;
  assert.equal(plan.arenaBytes, expected);
});

Deno.test("planMemory() lays the nnom concat inputs out as views at their channels", () => {
  const ir = nnomIR();
  const plan = planMemory(ir);
  assert.deepEqual(plan.views, {
    b5: { of: "concat", channelOffset: 0 },
    b9: { of: "concat", channelOffset: 8 },
    b13: { of: "concat", channelOffset: 12 },
  });
  const base = plan.tensors.concat.offset;
  assert.deepEqual(
    ["b5", "b9", "b13"].map((name) => plan.tensors[name].offset - base),
    [0, 8, 12],
  );
  assert.deepEqual(plan.aliases, { flatten: "gru" });
  const planned = applyPlan(ir, plan);
  assert.deepEqual(planned.tensors.b13.view, { of: "concat", channelOffset: 12 });
  assert.equal(planned.tensors.b13.offset, base + 12);
  assert.equal(planned.tensors.flatten.offset, planned.tensors.gru.offset);
});

Deno.test("planMemory() copies a concat when one input does not come from a conv1d", () => {
  const ir = nnomIR();
  ir.tensors.b9_relu = { ...ir.tensors.b9 };
  ir.layers.splice(2, 0, layer("b9_relu", "relu", ["b9"]));
  ir.layers.find((l) => l.name === "concat")!.inputs[1] = "b9_relu";
  const plan = planMemory(ir);
  checkPlan(ir, plan);
  assert.deepEqual(plan.views, {});
});

Deno.test("planMemory() copies a concat when an int8 input's dec differs from the output's", () => {
  const ir = nnomIR();
  ir.tensors.b13.dec = 4;
  const plan = planMemory(ir);
  checkPlan(ir, plan);
  assert.deepEqual(plan.views, {});
});

Deno.test("planMemory() runs relu in place only when its input dies there", () => {
  const tensors: ModelIR["tensors"] = {
    x: { shape: [8], dtype: "int8" },
    h: { shape: [40], dtype: "int8" },
    r: { shape: [40], dtype: "int8" },
    y: { shape: [1], dtype: "int8" },
  };
  const dies = smallIR(tensors, [
    layer("h", "dense", ["x"]),
    layer("r", "relu", ["h"]),
    layer("y", "dense", ["r"]),
  ], "y");
  const diesPlan = planMemory(dies);
  checkPlan(dies, diesPlan);
  assert.deepEqual(diesPlan.aliases, { r: "h" });

  const readLater = smallIR({ ...tensors, z: { shape: [1], dtype: "int8" } }, [
    layer("h", "dense", ["x"]),
    layer("r", "relu", ["h"]),
    layer("y", "dense", ["r"]),
    layer("z", "dense", ["h", "y"]),
  ], "z");
  const laterPlan = planMemory(readLater);
  checkPlan(readLater, laterPlan);
  assert.deepEqual(laterPlan.aliases, {});
});

Deno.test("planMemory() runs an unfused max-pool in place over its dying input", () => {
  const ir = smallIR({
    x: { shape: [20, 2], dtype: "int8" },
    h: { shape: [20, 2], dtype: "int8" },
    p: { shape: [10, 2], dtype: "int8" },
    y: { shape: [1], dtype: "int8" },
  }, [
    layer("h", "conv1d", ["x"]),
    layer("p", "maxpool1d", ["h"], { pool: 2, stride: 2 }),
    layer("y", "dense", ["p"]),
  ], "y");
  const plan = planMemory(ir);
  checkPlan(ir, plan);
  assert.deepEqual(plan.aliases, { p: "h" });
  assert.equal(plan.tensors.p.offset, plan.tensors.h.offset);
});

Deno.test("planMemory() gives the same plan whatever the order of the tensors' keys", () => {
  const ir = nnomIR();
  const reversed = { ...ir, tensors: Object.fromEntries(Object.entries(ir.tensors).reverse()) };
  assert.deepEqual(planMemory(reversed), planMemory(ir));
});

Deno.test("liveIntervals() of nnom: the input from the start, the output to the end", () => {
  const intervals = liveIntervals(nnomIR());
  assert.deepEqual(intervals, {
    input: { first: 0, last: 2 },
    b5: { first: 0, last: 3 },
    b9: { first: 1, last: 3 },
    b13: { first: 2, last: 3 },
    concat: { first: 3, last: 4 },
    mix: { first: 4, last: 5 },
    gru: { first: 5, last: 6 },
    flatten: { first: 6, last: 7 },
    out: { first: 7, last: 7 },
  });
});

Deno.test("liveIntervals() names the layer that reads a tensor nobody wrote", () => {
  const ir = nnomIR();
  ir.layers[4].inputs = ["missing"];
  assert.throws(() => liveIntervals(ir), {
    name: "ReferenceError",
    message: /Layer "mix" reads tensor "missing"/,
  });
});

Deno.test("applyPlan() leaves its input IR unchanged", () => {
  const ir = nnomIR();
  const before = structuredClone(ir);
  applyPlan(ir, planMemory(ir));
  assert.deepEqual(ir, before);
});
