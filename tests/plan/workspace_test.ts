import assert from "node:assert/strict";
import { checkPlan, formatTimeline, planMemory } from "../../lib/plan/mod.ts";
import { nnomIR, randomGraph, seededRandom } from "./_fixtures.ts";

Deno.test("planMemory() with workspaceInArena puts the nnom GRU's buffers in the arena", () => {
  const ir = nnomIR();
  const plan = planMemory(ir, { workspaceInArena: true });
  checkPlan(ir, plan);
  // At the GRU only mix (312) and gru (936) are live: its 24 + 48 bytes fit beside them.
  assert.deepEqual(
    [plan.arenaBytes, plan.stateBytes, plan.scratchBytes, plan.totalBytes],
    [3748, 0, 0, 3748],
  );
  const { stateOffset, stateBytes, scratchOffset, scratchBytes } = plan.workspace.gru;
  assert.deepEqual([stateBytes, scratchBytes, scratchOffset - stateOffset], [24, 48, 24]);
  assert.deepEqual(Object.keys(plan.workspace), ["gru"]);
});

Deno.test("planMemory() without the option keeps state and scratch as separate buffers", () => {
  const plan = planMemory(nnomIR());
  assert.deepEqual(plan.workspace, {});
  assert.deepEqual([plan.stateBytes, plan.scratchBytes], [24, 48]);
});

Deno.test("planMemory() with workspaceInArena never overlaps on 300 random graphs (seed 2)", () => {
  const random = seededRandom(2);
  let withWorkspace = 0;
  for (let i = 0; i < 300; i++) {
    const ir = randomGraph(random);
    const plan = planMemory(ir, { workspaceInArena: true });
    checkPlan(ir, plan);
    assert.deepEqual([plan.stateBytes, plan.scratchBytes], [0, 0], `graph ${i}`);
    if (Object.keys(plan.workspace).length > 0) withWorkspace++;
  }
  assert.ok(withWorkspace > 30, `only ${withWorkspace} graphs had a GRU`);
});

Deno.test("checkPlan() names the layer and tensor when a workspace overlaps a live tensor", () => {
  const ir = nnomIR();
  const plan = planMemory(ir, { workspaceInArena: true });
  plan.workspace.gru.stateOffset = plan.tensors.mix.offset;
  assert.throws(() => checkPlan(ir, plan), {
    name: "RangeError",
    message: /Layer "gru": state at bytes \d+–\d+ overlaps tensor "mix", live at that layer/,
  });
});

Deno.test("checkPlan() rejects a workspace smaller than the layer needs", () => {
  const ir = nnomIR();
  const plan = planMemory(ir, { workspaceInArena: true });
  plan.workspace.gru.scratchBytes = 24;
  assert.throws(() => checkPlan(ir, plan), /Layer "gru" needs 24 state and 48 scratch bytes/);
});

Deno.test("formatTimeline() shows the GRU's workspace rows while the GRU runs", () => {
  const ir = nnomIR();
  const plan = planMemory(ir, { workspaceInArena: true });
  const lines = formatTimeline(ir, plan).split("\n");
  const state = lines.find((line) => line.startsWith("gru:state"));
  const scratch = lines.find((line) => line.startsWith("gru:scratch"));
  assert.match(state ?? "", / 24 +workspace +\. \. \. \. \. # \. \.$/);
  assert.match(scratch ?? "", / 48 +workspace +\. \. \. \. \. # \. \.$/);
  assert.equal(
    lines.at(-1),
    "Live bytes by layer: 3746 3746 3746 2496 2808 1320 936 937 (peak 3746)",
  );
});
