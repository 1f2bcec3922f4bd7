import assert from "node:assert/strict";
import { formatTimeline, planMemory, trivialPlan } from "../../lib/plan/mod.ts";
import { nnomIR } from "./_fixtures.ts";

Deno.test("formatTimeline() draws the nnom plan: one row per tensor, one column per layer", () => {
  const ir = nnomIR();
  const lines = formatTimeline(ir, planMemory(ir)).split("\n");
  assert.equal(lines[0], "Memory plan (greedy): arena 3748 B + state 24 B + scratch 48 B = 3820 B");
  assert.equal(
    lines[1],
    "Layers: 0 b5, 1 b9, 2 b13, 3 concat, 4 mix, 5 gru, 6 flatten, 7 out",
  );
  assert.deepEqual(lines.slice(3, 14), [
    "tensor   offset  bytes  shares        0 1 2 3 4 5 6 7",
    "input      2496   1250                R R R . . . . .",
    "b5            0   1248  in concat@0   W - - R . . . .",
    "b9            8    624  in concat@8   . W - R . . . .",
    "b13          12    624  in concat@12  . . W R . . . .",
    "concat        0   2496                . . . W R . . .",
    "mix        2496    312                . . . . W R . .",
    "gru           0    936                . . . . . W R .",
    "flatten       0    936  =gru          . . . . . . W R",
    "out         936      1                . . . . . . . W",
    "",
  ]);
  assert.equal(lines[14], "Live bytes by layer: 3746 3746 3746 2496 2808 1248 936 937 (peak 3746)");
});

Deno.test("formatTimeline() shows the trivial plan's larger live peak", () => {
  const ir = nnomIR();
  const last = formatTimeline(ir, trivialPlan(ir)).split("\n").at(-1);
  assert.equal(last, "Live bytes by layer: 2498 3122 3746 4992 2808 1248 1872 937 (peak 4992)");
});
