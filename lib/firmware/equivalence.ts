/**
 * The randomized equivalence check: random small int8 models (lib/ir/random_model.ts) on random
 * and extreme inputs, every layer's output of the C runtime compared with the TypeScript int8
 * interpreter. Models are linked many to a program (each generated with its own name prefix),
 * so one compilation serves a whole batch; the program (firmware/host/equivalence.c) is the
 * same for the host and for the Cortex-M4 under QEMU.
 */
import { join } from "node:path";
import { Random, randomInput, randomModel } from "../ir/random_model.ts";
import type { DType, ModelIR } from "../ir/ir.ts";
import { planMemory } from "../plan/mod.ts";
import { generateModel } from "../codegen/mod.ts";
import { runInt8 } from "../interp/mod.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { BUILD_DIR, buildProgram, FIRMWARE_DIR } from "./compile.ts";
import { ioSources, type KernelSet, RUNTIME_INCLUDE, runtimeSources } from "./runtime.ts";
import { decodeTrace } from "./segment_file.ts";
import { run } from "./run.ts";
import { runQemu } from "./qemu.ts";

/** What to check. */
export interface EquivalenceOptions {
  /** Number of models. */
  models: number;
  /**
   * Check these models instead of random ones (e.g. the project's architectures, whose shapes
   * take the kernels' specialised paths); `models` is then ignored, and the seeds derived from
   * `seed` choose only the inputs.
   */
  given?: ModelIR[];
  /** Inputs per model (the first four are the extremes of randomInput). */
  inputsPerModel: number;
  seed: number;
  target: "host" | "m4";
  kernels: KernelSet;
  /** At most this many models linked into one program (fewer when their weights would not fit). */
  modelsPerProgram?: number;
  buildDir?: string;
  /** Called after each program with the cases checked so far. */
  onProgress?: (casesDone: number) => void;
}

/** One layer output that differs. */
export interface Mismatch {
  modelSeed: number;
  inputIndex: number;
  layer: string;
  /** First differing element and its values. */
  element: number;
  expected: number;
  actual: number;
}

/** The result: counts and every mismatch (the first 100 kept). */
export interface EquivalenceReport {
  models: number;
  cases: number;
  layerOutputsCompared: number;
  mismatchCount: number;
  mismatches: Mismatch[];
  /** How often each op occurred across the models. */
  opCounts: Record<string, number>;
}

/** The seed of model `index` of a run with `seed`. */
export function modelSeed(seed: number, index: number): number {
  return (Math.imul(seed, 1000003) + Math.imul(index, 0x9e3779b9)) >>> 0;
}

/** Runs the check; see EquivalenceOptions. */
export async function checkEquivalence(options: EquivalenceOptions): Promise<EquivalenceReport> {
  const perProgram = options.modelsPerProgram ?? 100;
  const report: EquivalenceReport = {
    models: 0,
    cases: 0,
    layerOutputsCompared: 0,
    mismatchCount: 0,
    mismatches: [],
    opCounts: {},
  };
  const total = options.given?.length ?? options.models;
  const modelAt = (i: number) => options.given?.[i] ?? randomModel(modelSeed(options.seed, i));
  let models: ModelIR[] = [];
  let seeds: number[] = [];
  let bytes = 0;
  const flush = async () => {
    await checkBatch(models, seeds, options, report);
    report.models += models.length;
    options.onProgress?.(report.cases);
    models = [];
    seeds = [];
    bytes = 0;
  };
  for (let i = 0; i < total; i++) {
    const model = modelAt(i);
    const size = constantBytes(model);
    if (
      models.length === perProgram || (models.length > 0 && bytes + size > PROGRAM_CONSTANT_BYTES)
    ) {
      await flush();
    }
    models.push(model);
    seeds.push(modelSeed(options.seed, i));
    bytes += size;
  }
  if (models.length > 0) await flush();
  return report;
}

/**
 * The constants one program may hold: the M4 image's flash is 256 KiB, of which the runtime,
 * the harness and each model's layer calls take a few tens.
 */
const PROGRAM_CONSTANT_BYTES = 160 * 1024;

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, int8: 1, int16: 2, int32: 4 };

/** Bytes of a model's weights in flash (int32 biases, int8 or int16 the rest, as stored). */
function constantBytes(ir: ModelIR): number {
  let bytes = 0;
  for (const layer of ir.layers) {
    for (const weight of Object.values(layer.weights)) {
      bytes += weight.data.length * BYTES_PER_ELEMENT[weight.dtype];
    }
  }
  return bytes;
}

interface Case {
  model: number;
  inputIndex: number;
  input: Int8Array;
}

async function checkBatch(
  models: ModelIR[],
  seeds: number[],
  options: EquivalenceOptions,
  report: EquivalenceReport,
): Promise<void> {
  const dir = join(options.buildDir ?? BUILD_DIR, `equivalence-${seeds[0]}-${seeds.length}`);
  await Deno.mkdir(dir, { recursive: true });
  try {
    const sources: string[] = [];
    let maxInput = 1, maxOutput = 1, maxTensor = 1;
    for (const [i, ir] of models.entries()) {
      const generated = generateModel(ir, planMemory(ir), { name: `m${i}` });
      for (const [name, text] of Object.entries(generated.files)) {
        await writeFileAtomic(join(dir, name), text);
        if (name.endsWith(".c")) sources.push(join(dir, name));
      }
      for (const [name, t] of Object.entries(ir.tensors)) {
        const n = t.shape.reduce((a, b) => a * b, 1);
        if (name === ir.input) maxInput = Math.max(maxInput, n);
        if (name === ir.output) maxOutput = Math.max(maxOutput, n);
        maxTensor = Math.max(maxTensor, n);
      }
      for (const layer of ir.layers) {
        report.opCounts[layer.op] = (report.opCounts[layer.op] ?? 0) + 1;
      }
    }
    await writeFileAtomic(
      join(dir, "equivalence_registry.h"),
      registryHeader(models, maxInput, maxOutput, maxTensor),
    );
    await writeFileAtomic(join(dir, "equivalence_registry.c"), registrySource(models));
    sources.push(join(dir, "equivalence_registry.c"));

    const cases: Case[] = [];
    for (const [m, ir] of models.entries()) {
      const rng = new Random(seeds[m] ^ 0x5bd1e995);
      const length = ir.tensors[ir.input].shape.reduce((a, b) => a * b, 1);
      for (let k = 0; k < options.inputsPerModel; k++) {
        cases.push({ model: m, inputIndex: k, input: randomInput(rng, length, k) });
      }
    }
    await writeFileAtomic(join(dir, "cases.bin"), encodeCases(cases));

    const io = ioSources(options.target);
    const program = await buildProgram({
      target: options.target,
      sources: [
        ...runtimeSources(options.kernels),
        ...io.sources,
        join(FIRMWARE_DIR, "host", "equivalence.c"),
        ...sources,
      ],
      includeDirs: [RUNTIME_INCLUDE, ...io.includeDirs, dir],
      optimize: options.target === "host" ? "-O0" : "-Os",
      defines: { MODEL_TRACE: 1 },
    }, options.buildDir);
    if (options.target === "host") await run(program.path, [], { cwd: dir });
    else await runQemu(program.path, dir);
    const trace = decodeTrace(await Deno.readFile(join(dir, "trace.bin")), join(dir, "trace.bin"));
    compare(models, seeds, cases, trace, report);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function compare(
  models: ModelIR[],
  seeds: number[],
  cases: Case[],
  trace: ReturnType<typeof decodeTrace>,
  report: EquivalenceReport,
): void {
  let at = 0;
  for (const [c, kase] of cases.entries()) {
    const ir = models[kase.model];
    const expected = runInt8(ir, kase.input).tensors;
    report.cases++;
    for (const [l, layer] of ir.layers.entries()) {
      const record = trace[at++];
      report.layerOutputsCompared++;
      const want = expected[layer.output];
      const got = record?.segment === c && record.layer === l ? record.data : undefined;
      let element = got && got.length === want.length ? -1 : 0;
      for (let i = 0; element < 0 && i < want.length; i++) if (got![i] !== want[i]) element = i;
      if (element < 0) continue;
      report.mismatchCount++;
      if (report.mismatches.length < 100) {
        report.mismatches.push({
          modelSeed: seeds[kase.model],
          inputIndex: kase.inputIndex,
          layer: layer.name,
          element,
          expected: want[element],
          actual: got?.[element] ?? NaN,
        });
      }
    }
  }
  if (at !== trace.length) {
    throw new RangeError(`Trace has ${trace.length} records, expected ${at}`);
  }
}

function encodeCases(cases: Case[]): Uint8Array {
  const bytes = new Uint8Array(16 + cases.reduce((n, c) => n + 8 + c.input.length, 0));
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode("IEGMEQV\0"));
  view.setUint32(8, 1, true);
  view.setUint32(12, cases.length, true);
  let at = 16;
  for (const c of cases) {
    view.setUint32(at, c.model, true);
    view.setUint32(at + 4, c.input.length, true);
    bytes.set(new Uint8Array(c.input.buffer, c.input.byteOffset, c.input.length), at + 8);
    at += 8 + c.input.length;
  }
  return bytes;
}

function registryHeader(
  models: ModelIR[],
  maxInput: number,
  maxOutput: number,
  maxTensor: number,
): string {
  return `/* Generated by lib/firmware/equivalence.ts: the models linked into this program. */
#ifndef EQUIVALENCE_REGISTRY_H
#define EQUIVALENCE_REGISTRY_H

#include <stdint.h>

#include "iegm_model.h"

#define EQUIVALENCE_MODEL_COUNT ${models.length}
#define EQUIVALENCE_MAX_INPUT ${maxInput}
#define EQUIVALENCE_MAX_OUTPUT ${maxOutput}
#define EQUIVALENCE_MAX_TENSOR_BYTES ${maxTensor}

typedef struct {
  int8_t *(*input)(void);
  void (*run)(int8_t *output);
  uint32_t input_length;
} equivalence_model;

extern const equivalence_model equivalence_models[EQUIVALENCE_MODEL_COUNT];

#endif
`;
}

function registrySource(models: ModelIR[]): string {
  const includes = models.map((_, i) => `#include "m${i}.h"`).join("\n");
  const rows = models.map((_, i) => `    {m${i}_input, m${i}_run, M${i}_INPUT_LENGTH},`).join("\n");
  return `/* Generated by lib/firmware/equivalence.ts. */
#include "equivalence_registry.h"
${includes}

const equivalence_model equivalence_models[EQUIVALENCE_MODEL_COUNT] = {
${rows}
};
`;
}
