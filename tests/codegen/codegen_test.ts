/**
 * The code generator: golden files of the C it emits for a small model that has every op,
 * determinism, refusals that name the fault, and warning-free compilation with gcc and
 * arm-none-eabi-gcc. Run with UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate
 * change of the emitted code (and review the diff).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CodegenError,
  conv1dKernel,
  EMITTERS,
  generateModel,
  writeModelSources,
} from "../../lib/codegen/mod.ts";
import { loadIR, type ModelIR } from "../../lib/ir/mod.ts";
import { randomConvModel } from "../../lib/ir/random_model.ts";
import { planMemory } from "../../lib/plan/mod.ts";
import { run } from "../../lib/firmware/run.ts";
import { FIRMWARE_DIR } from "../../lib/firmware/mod.ts";

const TESTDATA = fileURLToPath(new URL("../testdata/codegen/", import.meta.url));
const small = await loadIR(join(TESTDATA, "small.int8.ir.json"));
const copy = (ir: ModelIR): ModelIR => JSON.parse(JSON.stringify(ir));

Deno.test("generateModel() emits the golden model.h and model.c for a small model with every op", async () => {
  const generated = generateModel(small, planMemory(small));
  for (const name of ["model.h", "model.c"]) {
    const path = join(TESTDATA, "small", name);
    if (Deno.env.get("UPDATE_GOLDEN") === "1") {
      await Deno.mkdir(join(TESTDATA, "small"), { recursive: true });
      await Deno.writeTextFile(path, generated.files[name]);
    }
    assert.equal(
      generated.files[name],
      await Deno.readTextFile(path),
      `${name} differs from ${path}`,
    );
  }
});

Deno.test("generateModel() gives the same bytes for the same IR and plan", () => {
  const a = generateModel(small, planMemory(small));
  const b = generateModel(copy(small), planMemory(copy(small)));
  assert.deepEqual(a.files, b.files);
});

Deno.test("generateModel() records the IR's magic and version in model.h", () => {
  const header = generateModel(small, planMemory(small)).files["model.h"];
  assert.match(header, /#define MODEL_IR_MAGIC "IEGM-IR"\n#define MODEL_IR_VERSION 1\n/);
});

Deno.test("generateModel() makes concat views and flatten aliases no-ops without a function", () => {
  const generated = generateModel(small, planMemory(small));
  const byOp = Object.fromEntries(generated.layers.map((l) => [l.op, l.functionName]));
  assert.equal(byOp.concat, null);
  assert.equal(byOp.flatten, null);
  assert.equal(byOp.gru, "iegm_layer_6_gru_6");
});

Deno.test("generateModel() calls the single-channel stride-2 and the phased conv kernels only for their shapes", () => {
  const shape = { length: 200, channels: 1, filters: 2, kernel: 9, padding: "valid" as const };
  const kernelOf = (stride: number, pool: number) => {
    const ir = randomConvModel(1, { ...shape, stride, pool, activation: "relu" });
    const c = generateModel(ir, planMemory(ir)).files["model.c"];
    return c.match(/\b(iegm_conv1d_\w*s8)\(/)?.[1];
  };
  assert.equal(kernelOf(2, 4), "iegm_conv1d_c1s2_s8");
  assert.equal(kernelOf(2, 5), "iegm_conv1d_phased_s8");
  assert.equal(kernelOf(8, 4), "iegm_conv1d_s8");
  assert.equal(conv1dKernel(1, 2, 16, 1), "iegm_conv1d_c1s2_s8");
  assert.equal(conv1dKernel(1, 2, 17, 1), "iegm_conv1d_s8");
  assert.equal(conv1dKernel(2, 2, 5, 1), "iegm_conv1d_s8");
  // Windows of at most 16 bytes at steps of 4k + 2 bytes.
  assert.equal(conv1dKernel(1, 6, 13, 5), "iegm_conv1d_phased_s8");
  assert.equal(conv1dKernel(3, 2, 5, 3), "iegm_conv1d_phased_s8");
  assert.equal(conv1dKernel(1, 2, 9, 5), "iegm_conv1d_phased_s8");
  assert.equal(conv1dKernel(1, 6, 17, 5), "iegm_conv1d_s8");
  assert.equal(conv1dKernel(1, 3, 5, 1), "iegm_conv1d_s8");
});

Deno.test("generateModel() reads the rate gate from the input before the model runs, when the IR has one", () => {
  const plain = generateModel(small, planMemory(small)).files;
  assert.match(plain["model.h"], /#define MODEL_RATE_GATE_BPM 0\n/);
  assert.ok(
    plain["model.c"].includes(
      "int model_classify(int8_t *output) {\n  model_run(output);\n  return output[0] >= MODEL_THRESHOLD_Q;\n}",
    ),
  );
  const gated = generateModel({ ...copy(small), rateGateBpm: 110 }, planMemory(small)).files;
  assert.match(gated["model.h"], /#define MODEL_RATE_GATE_BPM 110\n/);
  const body = gated["model.c"].slice(gated["model.c"].indexOf("int model_classify("));
  const gate = body.indexOf(
    "iegm_twice_median_beat_interval_s8(model_input(), MODEL_INPUT_LENGTH)",
  );
  assert.ok(gate > 0 && gate < body.indexOf("model_run(output)"));
  assert.match(body, /twice_interval \* MODEL_RATE_GATE_BPM <= 30000/);
  assert.match(body, /return gate_open && output\[0\] >= MODEL_THRESHOLD_Q;/);
});

Deno.test("generateModel() compares with the fast zone's threshold at and above its rate, when the IR has one", () => {
  const gated = generateModel({ ...copy(small), rateGateBpm: 110 }, planMemory(small)).files;
  assert.ok(!gated["model.h"].includes("FAST"), "no fast-zone macros without a fast zone");
  const ir = { ...copy(small), rateGateBpm: 110, fastZone: { bpm: 125, threshold: 0.1 } };
  const zoned = generateModel(ir, planMemory(small)).files;
  assert.match(zoned["model.h"], /#define MODEL_FAST_ZONE_BPM 125\n/);
  assert.match(zoned["model.h"], /#define MODEL_FAST_THRESHOLD_Q 13\n/); // ceil(12.8)
  const body = zoned["model.c"].slice(zoned["model.c"].indexOf("int model_classify("));
  assert.match(
    body,
    /const int fast = twice_interval != 0 && twice_interval \* MODEL_FAST_ZONE_BPM <= 30000;/,
  );
  assert.match(
    body,
    /return gate_open && output\[0\] >= \(fast \? MODEL_FAST_THRESHOLD_Q : MODEL_THRESHOLD_Q\);/,
  );
});

Deno.test("generateModel() compares with the below-gate threshold below the gate, when the IR has one", () => {
  const ir = {
    ...copy(small),
    rateGateBpm: 110,
    fastZone: { bpm: 125, threshold: 0.1 },
    belowGateThreshold: 0.95,
  };
  const files = generateModel(ir, planMemory(small)).files;
  assert.match(files["model.h"], /#define MODEL_BELOW_GATE_THRESHOLD_Q 122\n/); // ceil(121.6)
  const body = files["model.c"].slice(files["model.c"].indexOf("int model_classify("));
  assert.match(
    body,
    /return output\[0\] >= \(gate_open \? \(fast \? MODEL_FAST_THRESHOLD_Q : MODEL_THRESHOLD_Q\) : MODEL_BELOW_GATE_THRESHOLD_Q\);/,
  );
});

Deno.test("generateModel() refuses a wrong magic or version", () => {
  const plan = planMemory(small);
  const badMagic = { ...copy(small), magic: "NNOM" } as unknown as ModelIR;
  assert.throws(
    () => generateModel(badMagic, plan),
    (e: Error) =>
      e instanceof CodegenError && e.message === 'IR magic is "NNOM", expected "IEGM-IR"',
  );
  const badVersion = { ...copy(small), version: 2 } as unknown as ModelIR;
  assert.throws(() => generateModel(badVersion, plan), /IR version is 2, expected 1/);
});

Deno.test("generateModel() refuses an unsupported layer, naming it", () => {
  const ir = copy(small);
  (ir.layers[4] as { op: string }).op = "softmax";
  assert.throws(
    () => generateModel(ir, planMemory(small)),
    (e: Error) =>
      e instanceof CodegenError &&
      e.message === 'Layer 4 "relu_4": op "softmax" is not supported by the code generator',
  );
});

Deno.test("generateModel() refuses a float IR and a shift outside [0, 30], naming the layer", () => {
  assert.throws(
    () => generateModel({ ...copy(small), form: "float" }, planMemory(small)),
    /form is "float"/,
  );
  const ir = copy(small);
  ir.tensors[ir.layers[0].output].dec = -40;
  assert.throws(() => generateModel(ir, planMemory(ir)), /conv1d_0/);
});

Deno.test("EMITTERS has an emitter for every op of the IR contract", () => {
  assert.deepEqual(Object.keys(EMITTERS).sort(), [
    "concat",
    "conv1d",
    "dense",
    "flatten",
    "gru",
    "maxpool1d",
    "relu",
    "sigmoid",
  ]);
});

Deno.test("the generated C compiles warning-free with gcc and arm-none-eabi-gcc at -Wall -Wextra -Werror", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-test-" });
  try {
    // The rate gate's call is the only part a gate adds.
    const gated = { ...copy(small), rateGateBpm: 110 };
    await writeModelSources(join(dir, "model"), generateModel(gated, planMemory(gated)));
    const include = join(FIRMWARE_DIR, "runtime", "include");
    const common = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-I", include, "-c"];
    for (
      const [compiler, flags] of [
        ["gcc", ["-O2"]],
        ["gcc", ["-O2", "-DMODEL_TRACE=1"]],
        ["arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-Os", "-ffreestanding"]],
      ] as const
    ) {
      await run(compiler, [
        ...common,
        ...flags,
        join(dir, "model", "model.c"),
        "-o",
        join(dir, "model.o"),
      ]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
