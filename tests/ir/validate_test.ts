import assert from "node:assert/strict";
import { ARCHS } from "../../lib/model/mod.ts";
import { convertModel, type ModelIR, validateIR } from "../../lib/ir/mod.ts";
import { quantize } from "../../lib/quant/mod.ts";
import { concatSegments, loadSegments, randomModel } from "./_fixtures.ts";

const { samples } = await loadSegments();
const floatIR = convertModel(randomModel(ARCHS.nnom, 2), ARCHS.nnom, { threshold: 0.5 });
const int8IR = quantize(floatIR, concatSegments(samples), { calib: "max", perChannel: false });

/** A deep copy of `ir` changed by `edit`. */
function edited(ir: ModelIR, edit: (copy: ModelIR) => void): unknown {
  const copy = structuredClone(ir);
  edit(copy);
  return copy;
}

function assertRefused(
  ir: unknown,
  kind: typeof TypeError | typeof RangeError,
  ...parts: string[]
) {
  assert.throws(() => validateIR(ir), (error) => {
    assert(error instanceof kind, `${error}`);
    for (const part of parts) {
      assert((error as Error).message.includes(part), (error as Error).message);
    }
    return true;
  });
}

Deno.test("validateIR() accepts what convertModel() and quantize() produce", () => {
  assert.equal(validateIR(floatIR), floatIR);
  assert.equal(validateIR(int8IR), int8IR);
});

Deno.test("validateIR() refuses a wrong magic", () => {
  assertRefused(edited(floatIR, (ir) => (ir.magic = "NNOM" as never)), TypeError, "magic", "NNOM");
});

Deno.test("validateIR() refuses another version", () => {
  assertRefused(edited(floatIR, (ir) => (ir.version = 2 as never)), TypeError, "version", "2");
});

Deno.test("validateIR() refuses an unknown op, naming the layer", () => {
  const ir = edited(floatIR, (ir) => (ir.layers[3].op = "softmax" as never));
  assertRefused(ir, TypeError, '"concat"', '"softmax"');
});

Deno.test("validateIR() refuses a missing weight, naming the layer and the weight", () => {
  const ir = edited(floatIR, (ir) => delete ir.layers[5].weights.recurrent);
  assertRefused(ir, TypeError, 'Layer "gru"', '"recurrent"');
});

Deno.test("validateIR() refuses a weight of the wrong shape, naming the layer", () => {
  const ir = edited(floatIR, (ir) => (ir.layers[1].weights.kernel.shape = [4, 1, 9]));
  assertRefused(ir, TypeError, 'Layer "b9_conv"', "kernel", "[4,1,9]");
});

Deno.test("validateIR() refuses an output tensor of the wrong shape, naming the layer", () => {
  const ir = edited(floatIR, (ir) => (ir.tensors.mix_pool.shape = [79, 4]));
  assertRefused(ir, TypeError, 'Layer "mix_conv"', "mix_pool");
});

Deno.test("validateIR() refuses reading a tensor no earlier layer writes", () => {
  const ir = edited(floatIR, (ir) => (ir.layers[0].inputs = ["concat"]));
  assertRefused(ir, TypeError, 'Layer 0 "b5_conv"', '"concat"');
});

Deno.test("validateIR() refuses an int8 layer whose shift would be negative", () => {
  const ir = edited(int8IR, (ir) => (ir.tensors.b5_pool.dec = 40));
  assertRefused(ir, RangeError, 'Layer "b5_conv"', "shift");
});

Deno.test("validateIR() refuses int8 weights outside int8", () => {
  const ir = edited(int8IR, (ir) => (ir.layers[7].weights.kernel.data[0] = 128));
  assertRefused(ir, RangeError, 'Layer "out"', "kernel");
});

Deno.test("validateIR() refuses a GRU output dec below 7 (the state is Q0.15)", () => {
  const ir = edited(int8IR, (ir) => {
    ir.tensors.gru.dec = 6;
    ir.tensors.flatten.dec = 6;
  });
  assertRefused(ir, RangeError, 'Layer "gru"', "dec 6");
});

Deno.test("validateIR() accepts a fast zone above the rate gate and refuses one without a gate or below it", () => {
  const zoned = edited(int8IR, (ir) => {
    ir.rateGateBpm = 110;
    ir.fastZone = { bpm: 125, threshold: 0.05 };
  });
  assert.equal(validateIR(zoned), zoned);
  assertRefused(
    edited(int8IR, (ir) => (ir.fastZone = { bpm: 125, threshold: 0.05 })),
    RangeError,
    "fastZone but no rateGateBpm",
  );
  assertRefused(
    edited(int8IR, (ir) => {
      ir.rateGateBpm = 110;
      ir.fastZone = { bpm: 100, threshold: 0.05 };
    }),
    RangeError,
    "fastZone.bpm 100",
    "[110, 300]",
  );
  assertRefused(
    edited(int8IR, (ir) => {
      ir.rateGateBpm = 110;
      ir.fastZone = { bpm: 125, threshold: 1.5 };
    }),
    RangeError,
    "fastZone.threshold 1.5",
  );
});

Deno.test("validateIR() accepts a below-gate threshold with a gate and refuses one without", () => {
  const below = edited(int8IR, (ir) => {
    ir.rateGateBpm = 110;
    ir.belowGateThreshold = 0.95;
  });
  assert.equal(validateIR(below), below);
  assertRefused(
    edited(int8IR, (ir) => (ir.belowGateThreshold = 0.95)),
    RangeError,
    "belowGateThreshold but no rateGateBpm",
  );
  assertRefused(
    edited(int8IR, (ir) => {
      ir.rateGateBpm = 110;
      ir.belowGateThreshold = -1;
    }),
    RangeError,
    "belowGateThreshold -1",
  );
});
