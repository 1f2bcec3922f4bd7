import assert from "node:assert/strict";
import { checkPlan, liveIntervals, type MemoryPlan, planMemory } from "../../lib/plan/mod.ts";
import type { ModelIR } from "../../lib/ir/ir.ts";
import { nnomIR, randomGraph, seededRandom } from "./_fixtures.ts";

function nnomPlan(): { ir: ModelIR; plan: MemoryPlan } {
  const ir = nnomIR();
  return { ir, plan: planMemory(ir) };
}

Deno.test("checkPlan() names both tensors when two live tensors overlap", () => {
  const { ir, plan } = nnomPlan();
  plan.tensors.mix.offset = plan.tensors.concat.offset + 100;
  assert.throws(() => checkPlan(ir, plan), {
    name: "RangeError",
    message: /Tensors "concat" .* and "mix" .* overlap while both are live/,
  });
});

Deno.test("checkPlan() catches a forced overlap of any two live tensors of random graphs", () => {
  const random = seededRandom(7);
  let forced = 0;
  for (let i = 0; i < 200; i++) {
    const ir = randomGraph(random);
    const plan = planMemory(ir);
    const intervals = liveIntervals(ir);
    // Roots only: moving a view or an alias would break a rule checked before overlaps.
    const roots = Object.keys(ir.tensors).filter((name) =>
      !plan.views[name] && plan.aliases[name] === undefined &&
      !Object.values(plan.aliases).includes(name) &&
      !Object.values(plan.views).some((view) => view.of === name)
    );
    const pairs = roots.flatMap((a) =>
      roots.filter((b) =>
        a < b && intervals[a].first <= intervals[b].last &&
        intervals[b].first <= intervals[a].last
      ).map((b) => [a, b])
    );
    if (pairs.length === 0) continue;
    const [a, b] = pairs[Math.floor(random() * pairs.length)];
    plan.tensors[b].offset = plan.tensors[a].offset;
    plan.arenaBytes = Math.max(plan.arenaBytes, plan.tensors[a].offset + plan.tensors[b].bytes);
    plan.arenaBytes = Math.ceil(plan.arenaBytes / 4) * 4;
    plan.totalBytes = plan.arenaBytes + plan.stateBytes + plan.scratchBytes;
    assert.throws(() => checkPlan(ir, plan), /overlap while both are live/, `graph ${i}`);
    forced++;
  }
  assert.ok(forced > 100, `only ${forced} graphs had two live roots`);
});

Deno.test("checkPlan() rejects a plan that shortens a tensor's lifetime", () => {
  const { ir, plan } = nnomPlan();
  plan.tensors.input.lastLayer = 0;
  assert.throws(() => checkPlan(ir, plan), /Tensor "input": plan says live at layers 0–0/);
});

Deno.test("checkPlan() rejects a view at the wrong channel offset", () => {
  const { ir, plan } = nnomPlan();
  plan.views.b13 = { of: "concat", channelOffset: 8 };
  assert.throws(() => checkPlan(ir, plan), /View "b13": channel offset 8, .* at channel 12/);
});

Deno.test("checkPlan() rejects a concat whose inputs are only partly views", () => {
  const { ir, plan } = nnomPlan();
  delete plan.views.b9;
  plan.tensors.b9.offset = 0;
  assert.throws(() => checkPlan(ir, plan), /Concat "concat": input "b9" is not a view/);
});

Deno.test("checkPlan() rejects an in-place relu whose input is read later", () => {
  const ir: ModelIR = {
    magic: "IEGM-IR",
    version: 1,
    arch: "test",
    form: "int8",
    input: "x",
    inputClip: null,
    output: "z",
    threshold: 0.5,
    tensors: {
      x: { shape: [8], dtype: "int8" },
      h: { shape: [40], dtype: "int8" },
      r: { shape: [40], dtype: "int8" },
      z: { shape: [1], dtype: "int8" },
    },
    layers: [
      { name: "h", op: "dense", inputs: ["x"], output: "h", attrs: {}, weights: {} },
      { name: "r", op: "relu", inputs: ["h"], output: "r", attrs: {}, weights: {} },
      { name: "z", op: "dense", inputs: ["h", "r"], output: "z", attrs: {}, weights: {} },
    ],
  };
  const plan = planMemory(ir);
  checkPlan(ir, plan);
  plan.aliases.r = "h";
  plan.tensors.r.offset = plan.tensors.h.offset;
  assert.throws(() => checkPlan(ir, plan), /Tensors "h" .* and "r" .* overlap/);
});

Deno.test("checkPlan() rejects a misaligned root tensor and one past the arena's end", () => {
  const misaligned = nnomPlan();
  misaligned.plan.tensors.out.offset += 1;
  assert.throws(() => checkPlan(misaligned.ir, misaligned.plan), /"out": offset \d+ is not a mult/);
  const outside = nnomPlan();
  outside.plan.tensors.out.offset = outside.plan.arenaBytes;
  assert.throws(() => checkPlan(outside.ir, outside.plan), /"out": bytes .* extend past the/);
});

Deno.test("checkPlan() rejects a plan without room for the GRU's state", () => {
  const { ir, plan } = nnomPlan();
  plan.stateBytes = 12;
  plan.totalBytes -= 12;
  assert.throws(() => checkPlan(ir, plan), /Layer "gru" needs 24 state and 48 scratch bytes/);
});

Deno.test("checkPlan() rejects a view that does not fit in its concat output's rows", () => {
  const { ir, plan } = nnomPlan();
  ir.tensors.concat = { ...ir.tensors.concat, shape: [156, 14] };
  plan.tensors.concat.bytes = 156 * 14;
  assert.throws(() => checkPlan(ir, plan), /View "b13": shape \[156,4\] at channel 12 does not/);
});
