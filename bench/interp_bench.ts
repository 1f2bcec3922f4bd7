/**
 * Speed of the TypeScript interpreters on the nnom and compact archs (random weights with
 * non-trivial BatchNorm, quantized per channel on the fixture segments): one inference per
 * iteration.
 * Target: the int8 interpreter ≥ 1,000 inferences/s on nnom.
 */
import { ARCHS } from "../lib/model/mod.ts";
import { convertModel } from "../lib/ir/mod.ts";
import { quantizeInput, runFloat, runInt8 } from "../lib/interp/mod.ts";
import { quantize } from "../lib/quant/mod.ts";
import { concatSegments, loadSegments, randomModel } from "../tests/ir/_fixtures.ts";

const { samples } = await loadSegments();
for (const spec of Object.values(ARCHS)) {
  const floatIR = convertModel(randomModel(spec, 1), spec, { threshold: 0.5 });
  const int8IR = quantize(floatIR, concatSegments(samples), { calib: "max", perChannel: true });
  const quantized = samples.map((s) => quantizeInput(int8IR, s));
  let i = 0;
  Deno.bench(`runInt8 ${spec.name}`, { group: spec.name, baseline: true }, () => {
    runInt8(int8IR, quantized[i++ & 3]);
  });
  Deno.bench(`runFloat ${spec.name}`, { group: spec.name }, () => {
    runFloat(floatIR, samples[i++ & 3]);
  });
  Deno.bench(`quantizeInput ${spec.name}`, { group: spec.name }, () => {
    quantizeInput(int8IR, samples[i++ & 3]);
  });
}
