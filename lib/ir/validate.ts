/**
 * Structural and numeric validation of an IR, done once when a model is loaded or produced, so
 * that interpreters and generated code can run without checks. Every error names the layer
 * (and tensor or weight) at fault: TypeError for a malformed graph, RangeError for a value
 * outside the bounds docs/int8-spec.md relies on.
 */
import type { DType, FastZone, LayerIR, ModelIR, OpIR, TensorIR, WeightIR } from "./ir.ts";
import { IR_MAGIC, IR_VERSION } from "./ir.ts";
import { convOutputLength } from "./geometry.ts";

const OPS: ReadonlySet<string> = new Set<OpIR>([
  "conv1d",
  "relu",
  "maxpool1d",
  "concat",
  "flatten",
  "dense",
  "gru",
  "sigmoid",
]);
const DTYPES: ReadonlySet<string> = new Set<DType>(["float32", "int8", "int16", "int32"]);
const DTYPE_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

/** Bounds from docs/int8-spec.md that keep every accumulator inside int32. */
export const INT8_LIMITS = {
  /** Products per accumulator (K·C_in, N_in): 2^15 · 2^14 = 2^29. */
  maxTerms: 2 ** 15,
  /** |bias| at accumulator scale. */
  maxBias: 2 ** 29,
  /** GRU units: U · 2^22 ≤ 2^29. */
  maxUnits: 128,
  /** Right shifts. */
  maxShift: 30,
  /** Table length (257 entries over [−8, 8] in steps of 1/16). */
  tableLength: 257,
} as const;

/**
 * `ir` as a ModelIR if it is one the interpreters can run; otherwise throws a TypeError or
 * RangeError naming the layer at fault (wrong magic, version, unknown op, missing weight, bad
 * shape, int8 shifts or bounds outside the spec).
 *
 * @example
 * ```ts
 * import { validateIR } from "./validate.ts";
 * let message = "";
 * try { validateIR({ magic: "NOPE" }); } catch (e) { message = (e as Error).message; }
 * if (!message.includes("magic")) throw new Error(message);
 * ```
 */
export function validateIR(ir: unknown): ModelIR {
  if (typeof ir !== "object" || ir === null) throw new TypeError("IR is not a JSON object");
  const m = ir as Partial<ModelIR>;
  if (m.magic !== IR_MAGIC) {
    throw new TypeError(`IR magic is ${JSON.stringify(m.magic)}, expected "${IR_MAGIC}"`);
  }
  if (m.version !== IR_VERSION) {
    throw new TypeError(
      `IR version is ${JSON.stringify(m.version)}, this code reads ${IR_VERSION}`,
    );
  }
  if (m.form !== "float" && m.form !== "int8") {
    throw new TypeError(`IR form is ${JSON.stringify(m.form)}, expected "float" or "int8"`);
  }
  if (typeof m.arch !== "string") throw new TypeError("IR arch is missing");
  if (typeof m.threshold !== "number" || !(m.threshold >= 0 && m.threshold <= 1)) {
    throw new RangeError(`IR threshold ${m.threshold} is not a probability`);
  }
  const gate = m.rateGateBpm;
  if (
    gate !== undefined && gate !== null && !(Number.isInteger(gate) && gate >= 1 && gate <= 300)
  ) {
    throw new RangeError(`IR rateGateBpm ${gate} must be an integer in [1, 300], or null`);
  }
  checkFastZone("IR", m.fastZone, gate);
  checkBelowGateThreshold("IR", m.belowGateThreshold, gate);
  if (m.inputClip !== null && !(typeof m.inputClip === "number" && m.inputClip > 0)) {
    throw new RangeError(`IR inputClip ${m.inputClip} must be a positive number or null`);
  }
  if (m.peakNormalize !== undefined && typeof m.peakNormalize !== "boolean") {
    throw new TypeError(`IR peakNormalize ${m.peakNormalize} must be true, false or absent`);
  }
  if (typeof m.tensors !== "object" || m.tensors === null) throw new TypeError("IR has no tensors");
  if (!Array.isArray(m.layers)) throw new TypeError("IR has no layers");
  const model = m as ModelIR;
  for (const [name, tensor] of Object.entries(model.tensors)) checkTensor(model, name, tensor);

  const written = new Set([model.input]);
  if (!model.tensors[model.input]) {
    throw new TypeError(`IR input tensor "${model.input}" is missing`);
  }
  const names = new Set<string>();
  for (const [index, layer] of model.layers.entries()) {
    const where = `Layer ${index} "${layer?.name}"`;
    if (typeof layer !== "object" || layer === null || typeof layer.name !== "string") {
      throw new TypeError(`${where}: not a layer object`);
    }
    if (names.has(layer.name)) throw new TypeError(`${where}: the name is used twice`);
    names.add(layer.name);
    if (!OPS.has(layer.op)) throw new TypeError(`${where}: unknown op "${layer.op}"`);
    if (!Array.isArray(layer.inputs) || layer.inputs.length === 0) {
      throw new TypeError(`${where}: no inputs`);
    }
    for (const input of layer.inputs) {
      if (!written.has(input)) {
        throw new TypeError(`${where}: input "${input}" is not written by an earlier layer`);
      }
    }
    if (!model.tensors[layer.output]) {
      throw new TypeError(`${where}: output tensor "${layer.output}" is not in tensors`);
    }
    if (written.has(layer.output)) {
      throw new TypeError(`${where}: output tensor "${layer.output}" is written twice`);
    }
    written.add(layer.output);
    if (typeof layer.attrs !== "object" || typeof layer.weights !== "object") {
      throw new TypeError(`${where}: attrs and weights must be objects`);
    }
    new LayerChecker(model, layer, `Layer "${layer.name}" (${layer.op})`).check();
  }
  if (!written.has(model.output)) {
    throw new TypeError(`IR output tensor "${model.output}" is not written by any layer`);
  }
  return model;
}

function checkTensor(model: ModelIR, name: string, t: TensorIR): void {
  const where = `Tensor "${name}"`;
  if (!Array.isArray(t?.shape) || !t.shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new TypeError(`${where}: shape ${JSON.stringify(t?.shape)} is not a list of sizes`);
  }
  const expected = model.form === "float" ? ["float32"] : ["int8"];
  if (!expected.includes(t.dtype)) {
    throw new TypeError(`${where}: dtype "${t.dtype}" in a ${model.form} IR`);
  }
  if (model.form === "int8" && !Number.isInteger(t.dec)) {
    throw new TypeError(`${where}: int8 tensor without an integer dec`);
  }
}

/** Checks one layer's attributes, weights and shapes against its op. */
class LayerChecker {
  constructor(
    private readonly model: ModelIR,
    private readonly layer: LayerIR,
    private readonly where: string,
  ) {}

  check(): void {
    const l = this.layer;
    switch (l.op) {
      case "conv1d":
        return this.conv1d();
      case "relu":
        return this.sameShape(this.single());
      case "maxpool1d": {
        const [t, c] = this.single();
        const pool = this.intAttr("pool", 1);
        const stride = this.intAttr("stride", 1);
        return this.outputShape([Math.floor((t - pool) / stride) + 1, c]);
      }
      case "concat":
        return this.concat();
      case "flatten":
        return this.outputShape([this.single().reduce((a, b) => a * b, 1)]);
      case "dense":
        return this.dense();
      case "gru":
        return this.gru();
      case "sigmoid": {
        const shape = this.single();
        this.sameShape(shape);
        if (this.model.form === "int8") {
          this.tensorDec(l.output, 7, 7);
          this.preDec(this.dec(l.inputs[0]));
          this.table("sigmoidTable");
        }
        return;
      }
    }
  }

  private conv1d(): void {
    const [tIn, cIn] = this.single(2);
    const k = this.intAttr("kernel", 1);
    const stride = this.intAttr("stride", 1);
    const padding = this.layer.attrs.padding;
    if (padding !== "same" && padding !== "valid") this.fail(`padding "${padding}"`);
    this.intAttr("padBefore", 0);
    const pool = this.intAttr("pool", 1);
    this.enumAttr("activation", ["linear", "relu"]);
    const cOut = this.weight("kernel", 3, undefined)[0];
    this.weight("kernel", 3, [cOut, k, cIn]);
    this.weight("bias", 1, [cOut]);
    const tConv = convOutputLength(tIn, k, stride, String(padding));
    this.outputShape([Math.floor(tConv / pool), cOut]);
    if (this.model.form === "int8") this.accumulatorBounds(k * cIn, cOut);
  }

  private concat(): void {
    const shapes = this.layer.inputs.map((n) => this.model.tensors[n].shape);
    const t = shapes[0][0];
    if (shapes.some((s) => s.length !== 2 || s[0] !== t)) {
      this.fail(`inputs of shapes ${JSON.stringify(shapes)} do not share a length`);
    }
    this.outputShape([t, shapes.reduce((sum, s) => sum + s[1], 0)]);
    if (this.model.form === "int8") {
      const dy = this.dec(this.layer.output);
      for (const name of this.layer.inputs) this.shift(this.dec(name) - dy, `input "${name}"`);
    }
  }

  private dense(): void {
    const [nIn] = this.single(1);
    const activation = this.enumAttr("activation", ["linear", "relu", "sigmoid"]);
    const nOut = this.weight("kernel", 2, undefined)[0];
    this.weight("kernel", 2, [nOut, nIn]);
    this.weight("bias", 1, [nOut]);
    this.outputShape([nOut]);
    if (this.model.form !== "int8") return;
    if (activation === "sigmoid") {
      this.tensorDec(this.layer.output, 7, 7);
      const preDec = this.preDec(Infinity);
      this.accumulatorBounds(nIn, nOut, preDec);
      this.table("sigmoidTable");
    } else {
      this.accumulatorBounds(nIn, nOut);
    }
  }

  private gru(): void {
    const [t, nIn] = this.single(2);
    const u = this.intAttr("units", 1);
    const returnSequences = this.layer.attrs.returnSequences;
    if (typeof returnSequences !== "boolean") this.fail("attr returnSequences must be a boolean");
    const recurrent = this.enumAttr("recurrentActivation", ["hard_sigmoid", "sigmoid"]);
    this.weight("kernel", 3, [3, u, nIn]);
    this.weight("recurrent", 3, [3, u, u]);
    this.weight("bias", 2, [3, u]);
    this.outputShape(returnSequences ? [t, u] : [u]);
    if (this.model.form !== "int8") return;
    if (u > INT8_LIMITS.maxUnits) this.fail(`${u} units exceed ${INT8_LIMITS.maxUnits}`, true);
    if (nIn > INT8_LIMITS.maxTerms) this.fail(`${nIn} inputs exceed ${INT8_LIMITS.maxTerms}`, true);
    const dx = this.dec(this.layer.inputs[0]);
    const dW = this.weightDecs("kernel", 3 * u);
    const dU = this.weightDecs("recurrent", 3 * u);
    const biasDecs = this.weightDecs("bias", 3 * u);
    const preDec = this.preDec(Math.min(...dW.map((d) => dx + d), ...dU.map((d) => 15 + d)));
    for (let row = 0; row < 3 * u; row++) {
      if (biasDecs[row] !== dx + dW[row]) {
        this.fail(
          `bias dec ${biasDecs[row]} of row ${row} is not dec_in + dec_W = ${dx + dW[row]}`,
        );
      }
      this.shift(dx + dW[row] - preDec, `row ${row} input gate`);
      this.shift(15 + dU[row] - preDec, `row ${row} recurrent gate`);
    }
    this.biasBounds("bias");
    this.tensorDec(this.layer.output, 7, 15);
    this.table("tanhTable");
    if (recurrent === "sigmoid") this.table("sigmoidTable");
  }

  /** int8 conv/dense: term count, bias scale and bound, per-channel shifts. */
  private accumulatorBounds(terms: number, channels: number, preDec?: number): void {
    if (terms > INT8_LIMITS.maxTerms) {
      this.fail(`${terms} products per accumulator exceed ${INT8_LIMITS.maxTerms}`, true);
    }
    const dx = this.dec(this.layer.inputs[0]);
    const dw = this.weightDecs("kernel", channels);
    const biasDecs = this.weightDecs("bias", channels);
    const dy = preDec ?? this.dec(this.layer.output);
    for (let c = 0; c < channels; c++) {
      if (biasDecs[c] !== dx + dw[c]) {
        this.fail(`bias dec ${biasDecs[c]} of channel ${c} is not dec_in + dec_w = ${dx + dw[c]}`);
      }
      this.shift(dx + dw[c] - dy, `channel ${c}`);
    }
    this.biasBounds("bias");
  }

  private biasBounds(name: string, expectedDec?: number): void {
    const bias = this.layer.weights[name];
    if (expectedDec !== undefined && bias.dec !== expectedDec) {
      this.fail(`weight "${name}" dec ${bias.dec} is not ${expectedDec}`);
    }
    if (bias.data.some((b) => Math.abs(b) > INT8_LIMITS.maxBias)) {
      this.fail(`weight "${name}" exceeds |${INT8_LIMITS.maxBias}|`, true);
    }
  }

  private preDec(max: number): number {
    const p = this.intAttr("preDec", 1);
    if (p > 12 || p > max) this.fail(`preDec ${p} must be ≤ min(12, ${max})`, true);
    return p;
  }

  private shift(s: number, what: string): void {
    if (!(s >= 0 && s <= INT8_LIMITS.maxShift)) {
      this.fail(`${what}: shift ${s} is outside [0, ${INT8_LIMITS.maxShift}]`, true);
    }
  }

  private table(name: string): void {
    const w = this.weight(name, 1, [INT8_LIMITS.tableLength]);
    if (w.length && this.layer.weights[name].dtype !== "int16") {
      this.fail(`table "${name}" must be int16`);
    }
  }

  /** The only input's shape, optionally of a given rank. */
  private single(rank?: number): number[] {
    if (this.layer.inputs.length !== 1 && this.layer.op !== "concat") {
      this.fail(`expected one input, got ${this.layer.inputs.length}`);
    }
    const shape = this.model.tensors[this.layer.inputs[0]].shape;
    if (rank !== undefined && shape.length !== rank) {
      this.fail(`input "${this.layer.inputs[0]}" has shape [${shape}], expected rank ${rank}`);
    }
    return shape;
  }

  private sameShape(shape: number[]): void {
    this.outputShape(shape);
  }

  private outputShape(expected: number[]): void {
    const actual = this.model.tensors[this.layer.output].shape;
    if (actual.join() !== expected.join()) {
      this.fail(`output "${this.layer.output}" has shape [${actual}], expected [${expected}]`);
    }
  }

  /**
   * Weight `name`: present, of rank `rank` (and `shape` if given), data length matching,
   * dtype matching the form, integer data within its dtype. Returns its shape.
   */
  private weight(name: string, rank: number, shape: number[] | undefined): number[] {
    const w: WeightIR | undefined = this.layer.weights[name];
    if (!w) this.fail(`missing weight "${name}"`);
    const where = `weight "${name}"`;
    if (!Array.isArray(w.shape) || w.shape.length !== rank) {
      this.fail(`${where} has shape ${JSON.stringify(w.shape)}, expected rank ${rank}`);
    }
    if (shape && w.shape.join() !== shape.join()) {
      this.fail(`${where} has shape [${w.shape}], expected [${shape}]`);
    }
    if (!DTYPES.has(w.dtype)) this.fail(`${where} has unknown dtype "${w.dtype}"`);
    if ((this.model.form === "float") !== (w.dtype === "float32")) {
      this.fail(`${where} has dtype ${w.dtype} in a ${this.model.form} IR`);
    }
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(w.data) || w.data.length !== size) {
      this.fail(`${where} holds ${w.data?.length} values, its shape needs ${size}`);
    }
    const range = DTYPE_RANGE[w.dtype];
    if (range && !w.data.every((v) => Number.isInteger(v) && v >= range[0] && v <= range[1])) {
      this.fail(`${where} holds values that are not ${w.dtype}`, true);
    }
    return w.shape;
  }

  private weightDecs(name: string, channels: number): number[] {
    const dec = this.layer.weights[name].dec;
    const decs = Array.isArray(dec) ? dec : new Array(channels).fill(dec);
    if (decs.length !== channels || !decs.every(Number.isInteger)) {
      this.fail(`weight "${name}" needs one integer dec or ${channels}`);
    }
    return decs;
  }

  private dec(tensor: string): number {
    return this.model.tensors[tensor].dec as number;
  }

  private tensorDec(tensor: string, min: number, max: number): void {
    const d = this.dec(tensor);
    if (d < min || d > max) {
      this.fail(`tensor "${tensor}" dec ${d} is outside [${min}, ${max}]`, true);
    }
  }

  private intAttr(name: string, min: number): number {
    const v = this.layer.attrs[name];
    if (!Number.isInteger(v) || (v as number) < min) {
      this.fail(`attr ${name} = ${JSON.stringify(v)}, expected an integer ≥ ${min}`);
    }
    return v as number;
  }

  private enumAttr(name: string, values: string[]): string {
    const v = this.layer.attrs[name];
    if (typeof v !== "string" || !values.includes(v)) {
      this.fail(`attr ${name} = ${JSON.stringify(v)}, expected one of ${values.join(", ")}`);
    }
    return v as string;
  }

  private fail(message: string, range = false): never {
    const text = `${this.where}: ${message}`;
    throw range ? new RangeError(text) : new TypeError(text);
  }
}

/**
 * Throws a RangeError naming `owner` unless `threshold` is absent or null, or a probability with
 * a rate gate `gate` to be below.
 */
export function checkBelowGateThreshold(
  owner: string,
  threshold: number | null | undefined,
  gate: number | null | undefined,
): void {
  if (threshold === undefined || threshold === null) return;
  requireGate(owner, "belowGateThreshold", gate);
  checkProbability(`${owner} belowGateThreshold`, threshold);
}

/**
 * Throws a RangeError naming `owner` unless `zone` is absent or null, or a fast zone above the
 * rate gate `gate`: bpm an integer in [gate, 300], threshold a probability.
 */
export function checkFastZone(
  owner: string,
  zone: FastZone | null | undefined,
  gate: number | null | undefined,
): void {
  if (zone === undefined || zone === null) return;
  const g = requireGate(owner, "fastZone", gate);
  if (
    typeof zone !== "object" || !(Number.isInteger(zone.bpm) && zone.bpm >= g && zone.bpm <= 300)
  ) {
    throw new RangeError(
      `${owner} fastZone.bpm ${zone?.bpm} must be an integer in [${g}, 300] (from the rate gate)`,
    );
  }
  checkProbability(`${owner} fastZone.threshold`, zone.threshold);
}

/** The gate a decision part named `what` of `owner` needs, or a RangeError if there is none. */
function requireGate(owner: string, what: string, gate: number | null | undefined): number {
  if (gate === undefined || gate === null) {
    throw new RangeError(`${owner} has a ${what} but no rateGateBpm`);
  }
  return gate;
}

/** Throws a RangeError naming `what` unless `value` is a number in [0, 1]. */
function checkProbability(what: string, value: unknown): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${what} ${value} is not a probability`);
  }
}
