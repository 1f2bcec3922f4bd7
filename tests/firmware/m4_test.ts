import assert from "node:assert/strict";
import { loadSegments } from "../ir/_fixtures.ts";
import { predictClass, quantizeInput, rateZoneOf, runInt8 } from "../../lib/interp/mod.ts";
import {
  buildM4Image,
  countM4,
  imageSize,
  LAYER_FUNCTION_PREFIX,
  RATE_GATE_FUNCTION,
  runHost,
  runM4,
  type SegmentSet,
  writeGeneratedModel,
} from "../../lib/firmware/mod.ts";
import type { ModelIR } from "../../lib/ir/mod.ts";
import { int8Model } from "./_models.ts";

const { samples } = await loadSegments();

/** The fixture segments, plus scaled and sign-flipped copies (saturating inputs too). */
function segmentsFor(ir: ModelIR): SegmentSet {
  const floats = samples.flatMap((s) => [s, s.map((v) => -v), s.map((v) => 8 * v)]);
  const inputs = new Int8Array(floats.length * 1250);
  floats.forEach((s, i) => inputs.set(quantizeInput(ir, s), i * 1250));
  return { count: floats.length, length: 1250, inputs, labels: new Uint8Array(floats.length) };
}

for (const arch of ["threeblock", "twoblock", "nnom", "compact"] as const) {
  const ir = await int8Model(arch);
  const model = await writeGeneratedModel(ir);
  const segments = segmentsFor(ir);
  const host = await runHost(model, segments);

  for (const kernels of ["m4", "reference"] as const) {
    for (const optimize of ["-Os", "-O2"] as const) {
      Deno.test(`M4 image (${arch}, ${kernels} kernels, ${optimize}) under QEMU gives the host's outputs`, async () => {
        const elf = await buildM4Image(model, { optimize, kernels });
        const run = await runM4(elf, segments);
        assert.deepEqual(Array.from(run.outputs), Array.from(host.outputs));
        assert.deepEqual(Array.from(run.classes), Array.from(host.classes));
        assert.ok(run.stackBytes > 0 && run.stackBytes < 4096, `stack ${run.stackBytes}`);
      });
    }
  }

  Deno.test(`host C classes equal the interpreter's, rate gate included (${arch})`, () => {
    for (let i = 0; i < segments.count; i++) {
      const input = segments.inputs.subarray(i * 1250, (i + 1) * 1250);
      const expected = predictClass(ir, runInt8(ir, input).output, rateZoneOf(ir, input));
      assert.equal(host.classes[i], expected, `segment ${i}`);
    }
  });

  Deno.test(`countM4() attributes every instruction of one ${arch} inference to a layer, model_classify, model_run or the rate gate`, async () => {
    const elf = await buildM4Image(model, { optimize: "-Os", kernels: "m4" });
    const count = await countM4(elf, segments);
    const sum = Object.values(count.perFunction).reduce((a, b) => a + b, 0);
    assert.equal(sum, count.total);
    const layers = model.generated.layers.filter((l) => l.functionName !== null)
      .map((l) => l.functionName!.slice(LAYER_FUNCTION_PREFIX.length));
    const named = ["model_classify", "model_run", RATE_GATE_FUNCTION];
    for (const key of Object.keys(count.perFunction)) {
      assert.ok(layers.includes(key) || named.includes(key), key);
    }
    for (const layer of layers) assert.ok(count.perFunction[layer] > 0, layer);
    const gated = ir.rateGateBpm !== undefined && ir.rateGateBpm !== null;
    assert.equal(RATE_GATE_FUNCTION in count.perFunction, gated);
    const size = await imageSize(elf);
    assert.equal(size.flash, size.code + size.ro + size.rw);
    assert.ok(size.zi >= model.generated.arenaBytes);
  });
}
