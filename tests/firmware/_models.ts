/**
 * int8 IRs of the project's architectures for the firmware tests: random-weight tfjs models
 * (tests/ir/_fixtures.ts, seeded) converted and quantized on the fixture segments, so the C
 * runs every kernel of the real architectures on real data.
 */
import { ARCHS } from "../../lib/model/mod.ts";
import { convertModel, type ModelIR } from "../../lib/ir/mod.ts";
import { quantize } from "../../lib/quant/mod.ts";
import { concatSegments, loadSegments, randomModel } from "../ir/_fixtures.ts";

/** The int8 IR of arch `name` with random weights from `seed`. */
export async function int8Model(
  name: "nnom" | "compact" | "twoblock" | "threeblock",
  seed = 5,
): Promise<ModelIR> {
  const { samples } = await loadSegments();
  const spec = ARCHS[name];
  const floatIR = convertModel(randomModel(spec, seed), spec, { threshold: 0.5 });
  return quantize(floatIR, concatSegments(samples), { calib: "max", perChannel: name === "nnom" });
}
