import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { foldSplit, loadDataset, subjectFolds, subset } from "../../lib/data/mod.ts";
import { runInt8 } from "../../lib/interp/mod.ts";
import { quantizeDataset, runHost, writeGeneratedModel } from "../../lib/firmware/mod.ts";
import { int8Model } from "./_models.ts";

const ARCHIVE = Deno.env.get("IEGM_ARCHIVE") ??
  fileURLToPath(
    new URL("../../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url),
  );

const dataset = await loadDataset({ data: ARCHIVE });
// The validation subjects of fold 0 of the project's 5-fold split (seed 1).
const validation = subset(dataset, foldSplit(dataset, subjectFolds(dataset, 5, 1), 0).validation);

for (const arch of ["nnom", "compact"] as const) {
  const ir = await int8Model(arch);
  const segments = quantizeDataset(ir, validation);
  const model = await writeGeneratedModel(ir);
  const traced = [0, Math.floor(segments.count / 2), segments.count - 1];
  const host = await runHost(model, segments, traced);

  Deno.test(`host C output equals runInt8 on every segment of the validation subjects (${arch}, ${segments.count} segments)`, () => {
    let differing = 0;
    for (let i = 0; i < segments.count; i++) {
      const input = segments.inputs.subarray(i * segments.length, (i + 1) * segments.length);
      if (runInt8(ir, input).output !== host.outputs[i]) differing++;
    }
    assert.equal(differing, 0);
  });

  Deno.test(`host C equals runInt8 on every layer's output of sample segments (${arch})`, () => {
    assert.equal(host.trace.length, traced.length * ir.layers.length);
    for (const record of host.trace) {
      const i = record.segment;
      assert.ok(traced.includes(i), `segment ${i} was not asked for`);
      const input = segments.inputs.subarray(i * segments.length, (i + 1) * segments.length);
      const layer = ir.layers[record.layer];
      assert.deepEqual(
        Array.from(record.data),
        Array.from(runInt8(ir, input).tensors[layer.output]),
        `segment ${record.segment}, layer ${layer.name}`,
      );
    }
  });
}
