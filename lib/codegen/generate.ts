/**
 * C code generation: from a validated int8 IR and its memory plan to `model.h` and `model.c`.
 * The model becomes const weight arrays, one static arena of the planner's size (plus the GRU
 * state and scratch buffers), one non-inlined function per layer (so the instruction counter
 * can attribute instructions to layers, lib/firmware/exec_count.ts) and a straight-line
 * `void model_run(int8_t *output)`. Each layer's C comes from the op → emitter table
 * (emitters.ts). The same IR and plan always give the same bytes.
 *
 * Conventions of the generated code:
 * - The model input lives in the arena, at the offset the plan gives it (so the RAM the plan
 *   counts is all the RAM the model needs): `int8_t *model_input(void)` returns that slot, the
 *   caller writes the quantized segment there, then calls model_run. The slot is the model's:
 *   later layers may overwrite it, so it holds the input only until model_run starts.
 * - `output` receives the output tensor's elements after the last layer.
 * - Built with -DMODEL_TRACE, model_run calls `model_trace_begin(layer)` and
 *   `model_trace_end(layer, data, element_size, rows, cols, row_stride)` around every layer,
 *   and `model_layers[]` describes the layers (name, op, MACs); the firmware image leaves
 *   both out.
 */
import type { LayerIR, ModelIR, TensorIR } from "../ir/ir.ts";
import { IR_MAGIC, IR_VERSION } from "../ir/ir.ts";
import { validateIR } from "../ir/validate.ts";
import { thresholdQ as thresholdQOf } from "../interp/io.ts";
import { TWICE_SAMPLES_PER_MINUTE } from "../data/rate.ts";

/** The longest input the runtime's rate gate reads (IEGM_RATE_GATE_MAX_N of iegm_kernels.h). */
const RATE_GATE_MAX_SAMPLES = 1250;
import { applyPlan, type MemoryPlan } from "../plan/mod.ts";
import { LAYER_FUNCTION_PREFIX } from "../firmware/exec_count.ts";
import { cConstArray, cIdentifier, type CIntType, cString } from "./c_syntax.ts";
import { type EmitContext, EMITTERS } from "./emitters.ts";

/** One layer as generated: its C function (if it runs anything) and its MACs. */
export interface GeneratedLayer {
  name: string;
  op: string;
  /** The C function holding the layer's body, or null when the plan made it a no-op. */
  functionName: string | null;
  macs: number;
}

/** The generated sources and what they contain. */
export interface GeneratedModel {
  /** File name → contents: "model.h" and "model.c". */
  files: Record<string, string>;
  layers: GeneratedLayer[];
  arenaBytes: number;
  stateBytes: number;
  scratchBytes: number;
  /** The int8 output value at or above which the model says VA (docs/int8-spec.md §14). */
  thresholdQ: number;
}

/** Options of generateModel. */
export interface GenerateOptions {
  /**
   * Prefix of every global name and of the file names (default "model": model.h, model.c,
   * model_run, MODEL_*). Distinct names let several models link into one program.
   */
  name?: string;
}

/** An IR the generator refuses: wrong magic or version, or a layer it cannot emit. */
export class CodegenError extends Error {
  override name = "CodegenError";
}

/**
 * Generates C for `ir` (an int8 IR) placed by `plan` (lib/plan planMemory). Throws a
 * CodegenError naming the IR or the layer at fault.
 */
export function generateModel(
  ir: ModelIR,
  plan: MemoryPlan,
  options: GenerateOptions = {},
): GeneratedModel {
  const name = options.name ?? "model";
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new CodegenError(`Model name "${name}" is not a lower-case C identifier`);
  }
  if (ir.magic !== IR_MAGIC) {
    throw new CodegenError(`IR magic is ${JSON.stringify(ir.magic)}, expected "${IR_MAGIC}"`);
  }
  if (ir.version !== IR_VERSION) {
    throw new CodegenError(`IR version is ${JSON.stringify(ir.version)}, expected ${IR_VERSION}`);
  }
  if (ir.form !== "int8") throw new CodegenError(`IR form is "${ir.form}"; C needs an int8 IR`);
  for (const [index, layer] of ir.layers.entries()) {
    if (!Object.hasOwn(EMITTERS, layer.op)) {
      throw new CodegenError(
        `Layer ${index} "${layer.name}": op "${layer.op}" is not supported by the code generator`,
      );
    }
  }
  validateIR(ir);
  const planned = applyPlan(ir, plan);
  return new Generator(planned, plan, name).run();
}

class Generator {
  private readonly constants: string[] = [];
  private readonly constantNames = new Set<string>();
  private readonly functions: string[] = [];
  private readonly calls: string[] = [];
  private readonly layers: GeneratedLayer[] = [];
  private stateUsed = false;
  private scratchUsed = false;

  private readonly macro: string;

  constructor(
    private readonly ir: ModelIR,
    private readonly plan: MemoryPlan,
    private readonly name: string,
  ) {
    this.macro = name.toUpperCase();
  }

  run(): GeneratedModel {
    const identifiers = new Set<string>();
    this.ir.layers.forEach((layer, index) => {
      const id = cIdentifier(layer.name);
      if (identifiers.has(id)) {
        throw new CodegenError(`Layer ${index} "${layer.name}": C name ${id} is used twice`);
      }
      identifiers.add(id);
      this.emitLayer(layer, index, id);
    });
    const thresholdQ = thresholdQOf(this.ir);
    const inputLength = this.tensor(this.ir.input).shape.reduce((a, b) => a * b, 1);
    if (this.ir.rateGateBpm && inputLength > RATE_GATE_MAX_SAMPLES) {
      throw new CodegenError(
        `The rate gate reads at most ${RATE_GATE_MAX_SAMPLES} samples; the input has ${inputLength}`,
      );
    }
    return {
      files: {
        [`${this.name}.h`]: this.header(thresholdQ),
        [`${this.name}.c`]: this.source(),
      },
      layers: this.layers,
      arenaBytes: this.plan.arenaBytes,
      stateBytes: this.plan.stateBytes,
      scratchBytes: this.plan.scratchBytes,
      thresholdQ,
    };
  }

  private tensor(name: string): TensorIR {
    return this.ir.tensors[name];
  }

  private emitLayer(layer: LayerIR, index: number, id: string): void {
    const fail = (message: string): never => {
      throw new CodegenError(`Layer ${index} "${layer.name}" (${layer.op}): ${message}`);
    };
    const ctx: EmitContext = {
      ir: this.ir,
      layer,
      pointer: (name) => this.pointer(name, fail),
      rowStride: (name) => this.rowStride(name),
      isDense: (name) => this.tensor(name).view === undefined,
      constant: (suffix, type, values) => {
        const cName = `${id}_${suffix}`;
        if (this.constantNames.has(cName)) fail(`constant ${cName} is declared twice`);
        this.constantNames.add(cName);
        this.constants.push(cConstArray(type as CIntType, cName, values, `Layer "${layer.name}"`));
        return cName;
      },
      stateBuffer: (elements) => {
        if (elements * 2 > this.plan.stateBytes) {
          fail(`needs ${elements * 2} bytes of state, the plan has ${this.plan.stateBytes}`);
        }
        this.stateUsed = true;
        return "model_state";
      },
      scratchBuffer: (elements) => {
        if (elements * 2 > this.plan.scratchBytes) {
          fail(`needs ${elements * 2} bytes of scratch, the plan has ${this.plan.scratchBytes}`);
        }
        this.scratchUsed = true;
        return "model_scratch";
      },
      fail,
    };
    const { statements, macs } = EMITTERS[layer.op](ctx);
    const out = this.tensor(layer.output);
    const shape = out.shape.length === 2 ? out.shape : [1, out.shape[0]];
    const trace = `${this.pointer(layer.output, fail)}, 1, ${shape[0]}, ${shape[1]}, ${
      this.rowStride(layer.output)
    }`;
    const inputs = layer.inputs.map((n) => `${n} [${this.tensor(n).shape}]`).join(", ");
    const where = out.view ? ` (in ${out.view.of} at channel ${out.view.channelOffset})` : "";
    const comment =
      `/* ${index} ${layer.name}: ${layer.op} ${inputs} -> ${layer.output} [${out.shape}]${where} */`;
    if (statements.length === 0) {
      this.layers.push({ name: layer.name, op: layer.op, functionName: null, macs });
      this.calls.push(
        `  ${comment.replace("*/", "(no-op) */")}`,
        `  LAYER_NOOP(${index}, ${trace});`,
      );
      return;
    }
    const fn = `${LAYER_FUNCTION_PREFIX}${index}_${id}`;
    this.functions.push(
      [
        comment,
        `__attribute__((noinline)) static void ${fn}(void) {`,
        ...statements.map((s) => `  ${s}`),
        "}",
      ]
        .join("\n"),
    );
    this.calls.push(`  LAYER(${index}, ${fn}, ${trace});`);
    this.layers.push({ name: layer.name, op: layer.op, functionName: fn, macs });
  }

  private pointer(name: string, fail: (message: string) => never): string {
    const offset = this.tensor(name).offset;
    if (offset === undefined) fail(`tensor "${name}" has no arena offset (is the IR planned?)`);
    return `(ARENA + ${offset})`;
  }

  private rowStride(name: string): number {
    const t = this.tensor(name);
    const channels = t.shape.length === 2 ? t.shape[1] : t.shape[0];
    return t.view ? this.tensor(t.view.of).shape[1] : channels;
  }

  private header(thresholdQ: number): string {
    const input = this.tensor(this.ir.input), output = this.tensor(this.ir.output);
    const count = (t: TensorIR) => t.shape.reduce((a, b) => a * b, 1);
    return `/*
 * Generated by lib/codegen from an ${IR_MAGIC} version ${IR_VERSION} int8 model (arch "${this.ir.arch}").
 * Do not edit; regenerate from the IR.
 */
#ifndef ${this.macro}_H
#define ${this.macro}_H

#include <stdint.h>

#include "iegm_model.h"

#define ${this.macro}_IR_MAGIC ${cString(IR_MAGIC)}
#define ${this.macro}_IR_VERSION ${IR_VERSION}
#define ${this.macro}_ARCH ${cString(this.ir.arch)}
/* Input: int8 [${input.shape}], dec ${input.dec} (docs/int8-spec.md §3). */
#define ${this.macro}_INPUT_LENGTH ${count(input)}
#define ${this.macro}_INPUT_DEC ${input.dec}
/* Output: int8 [${output.shape}], dec ${output.dec}. */
#define ${this.macro}_OUTPUT_LENGTH ${count(output)}
#define ${this.macro}_OUTPUT_DEC ${output.dec}
/* VA iff output[0] >= ${this.macro}_THRESHOLD_Q (threshold ${this.ir.threshold}, §14) */
#define ${this.macro}_THRESHOLD_Q ${thresholdQ}
/* and the rate is at least ${this.macro}_RATE_GATE_BPM or unknown (§14; 0 = no gate). */
#define ${this.macro}_RATE_GATE_BPM ${this.ir.rateGateBpm ?? 0}
${this.zoneDefines()}#define ${this.macro}_LAYER_COUNT ${this.ir.layers.length}
#define ${this.macro}_ARENA_BYTES ${this.plan.arenaBytes}
#define ${this.macro}_STATE_BYTES ${this.plan.stateBytes}
#define ${this.macro}_SCRATCH_BYTES ${this.plan.scratchBytes}

/**
 * Where the next segment goes: [${this.macro}_INPUT_LENGTH] int8 (the quantized samples, §3)
 * inside the model's arena, 4-byte aligned. The caller fills it, then calls ${this.name}_run().
 * The arena belongs to the model: once no layer reads the input, the memory plan may give these
 * bytes to later tensors, so the slot must be refilled before every run.
 */
int8_t *${this.name}_input(void);

/**
 * Runs the model on the segment in ${this.name}_input().
 * @param output  out [${this.macro}_OUTPUT_LENGTH] int8
 */
void ${this.name}_run(int8_t *output);

/**
 * The class of the segment in ${this.name}_input() (§14): runs the model, and returns 1 (VA) iff
 * output[0] >= ${this.macro}_THRESHOLD_Q and the rate gate, read from the input before the model
 * runs, is open.
 * @param output  out [${this.macro}_OUTPUT_LENGTH] int8, as ${this.name}_run() writes it
 */
int ${this.name}_classify(int8_t *output);

#ifdef MODEL_TRACE
/** The layers, in order: name, op, MACs. */
extern const model_layer_info ${this.name}_layers[${this.macro}_LAYER_COUNT];
#endif

#endif
`;
  }

  private source(): string {
    const outputTensor = this.tensor(this.ir.output);
    const outputCount = outputTensor.shape.reduce((a, b) => a * b, 1);
    const words = Math.ceil(this.plan.arenaBytes / 4);
    const buffers = [
      "/* The arena: every activation tensor at its planned offset. int32 words keep it aligned",
      " * for kernels that load four int8 values at once. */",
      `static int32_t arena_words[${Math.max(words, 1)}];`,
      "#define ARENA ((int8_t *)arena_words)",
    ];
    if (this.stateUsed) {
      buffers.push(`/* GRU hidden state, int16 Q0.15. */`);
      buffers.push(`static int16_t model_state[${this.plan.stateBytes / 2}];`);
    }
    if (this.scratchUsed) {
      buffers.push(`/* GRU scratch: r ⊙ h and the new h, int16 Q0.15. */`);
      buffers.push(`static int16_t model_scratch[${this.plan.scratchBytes / 2}];`);
    }
    const infos = this.layers.map((l) => `    {${cString(l.name)}, ${cString(l.op)}, ${l.macs}},`);
    return [
      `/*
 * Generated by lib/codegen from an ${IR_MAGIC} version ${IR_VERSION} int8 model (arch "${this.ir.arch}").
 * Do not edit; regenerate from the IR. Kernels: firmware/runtime (docs/int8-spec.md).
 */
#include <stddef.h>
#include <stdint.h>

#include "iegm_kernels.h"
#include "${this.name}.h"`,
      "/* ---------------------------------------------------------------- weights */",
      this.constants.join("\n\n"),
      "/* ---------------------------------------------------------------- memory */",
      buffers.join("\n"),
      "/* ---------------------------------------------------------------- layers */",
      this.functions.join("\n\n"),
      `/* ---------------------------------------------------------------- model */
#ifdef MODEL_TRACE
const model_layer_info ${this.name}_layers[${this.macro}_LAYER_COUNT] = {
${infos.join("\n")}
};
#define LAYER(index, fn, data, size, rows, cols, stride) \\
  do { \\
    model_trace_begin(index); \\
    fn(); \\
    model_trace_end(index, data, size, rows, cols, stride); \\
  } while (0)
#define LAYER_NOOP(index, data, size, rows, cols, stride) \\
  do { \\
    model_trace_begin(index); \\
    model_trace_end(index, data, size, rows, cols, stride); \\
  } while (0)
#else
#define LAYER(index, fn, data, size, rows, cols, stride) fn()
#define LAYER_NOOP(index, data, size, rows, cols, stride) ((void)0)
#endif

int8_t *${this.name}_input(void) { return ${this.pointerOf(this.ir.input)}; }

void ${this.name}_run(int8_t *output) {
${this.calls.join("\n")}
  for (int i = 0; i < ${outputCount}; i++) output[i] = ${this.pointerOfOutput()}[i];
}

${this.classifyFunction()}
`,
    ].join("\n\n");
  }

  /**
   * The macros of the fast zone and the below-gate threshold (§14), for an IR with them: the
   * zone's rate and threshold, the threshold below the gate.
   */
  private zoneDefines(): string {
    const m = this.macro, zone = this.ir.fastZone, below = this.ir.belowGateThreshold;
    const fast = zone
      ? `/* At a rate of at least ${m}_FAST_ZONE_BPM (§14), output[0] is compared with
 * ${m}_FAST_THRESHOLD_Q (threshold ${zone.threshold}) instead. */
#define ${m}_FAST_ZONE_BPM ${zone.bpm}
#define ${m}_FAST_THRESHOLD_Q ${thresholdQOf(zone)}
`
      : "";
    const slow = below === undefined || below === null
      ? ""
      : `/* Below the rate gate, VA iff output[0] >= ${m}_BELOW_GATE_THRESHOLD_Q (threshold ${below}, §14). */
#define ${m}_BELOW_GATE_THRESHOLD_Q ${thresholdQOf({ threshold: below })}
`;
    return fast + slow;
  }

  /**
   * `<name>_classify()`: the threshold compare, after the rate gate when the IR has one, with
   * the fast zone's threshold above the zone's rate and the below-gate threshold below the gate.
   */
  private classifyFunction(): string {
    const m = this.macro;
    if (this.ir.rateGateBpm === undefined || this.ir.rateGateBpm === null) {
      return `int ${this.name}_classify(int8_t *output) {
  ${this.name}_run(output);
  return output[0] >= ${m}_THRESHOLD_Q;
}`;
    }
    // D * bpm <= 30000: D <= 2500 and bpm <= 300 keep the product far inside int32.
    const atLeast = (bpm: string) => `twice_interval * ${bpm} <= ${TWICE_SAMPLES_PER_MINUTE}`;
    const lines = [
      `const int32_t twice_interval =
      iegm_twice_median_beat_interval_s8(${this.name}_input(), ${m}_INPUT_LENGTH);`,
      `const int gate_open =
      twice_interval == 0 || ${atLeast(`${m}_RATE_GATE_BPM`)};`,
    ];
    let open = `${m}_THRESHOLD_Q`;
    if (this.ir.fastZone) {
      lines.push(`const int fast = twice_interval != 0 && ${atLeast(`${m}_FAST_ZONE_BPM`)};`);
      open = `(fast ? ${m}_FAST_THRESHOLD_Q : ${m}_THRESHOLD_Q)`;
    }
    lines.push(`${this.name}_run(output);`);
    const below = this.ir.belowGateThreshold;
    lines.push(
      below === undefined || below === null
        ? `return gate_open && output[0] >= ${open};`
        : `return output[0] >= (gate_open ? ${open} : ${m}_BELOW_GATE_THRESHOLD_Q);`,
    );
    return `int ${this.name}_classify(int8_t *output) {\n  ${lines.join("\n  ")}\n}`;
  }

  private pointerOfOutput(): string {
    return this.pointerOf(this.ir.output);
  }

  private pointerOf(name: string): string {
    return `(ARENA + ${this.tensor(name).offset})`;
  }
}
