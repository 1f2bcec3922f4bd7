/**
 * The working memory each kernel needs beside its input and output tensors: recurrent state and
 * scratch. This is the one table to edit when docs/int8-spec.md ("State and scratch") changes
 * a kernel's buffers; the planner and the report read it from here, and the code generator
 * gets the sizes through the plan.
 */
import type { LayerIR, ModelIR, OpIR } from "../ir/ir.ts";

/** Bytes of state and scratch one layer needs while it runs. */
export interface LayerWorkspace {
  /** Recurrent state kept across the layer's time steps (reset at each inference). */
  stateBytes: number;
  /** Temporary working memory, free again when the layer returns. */
  scratchBytes: number;
}

type WorkspaceRule = (layer: LayerIR, ir: ModelIR) => LayerWorkspace;

const NONE: WorkspaceRule = () => ({ stateBytes: 0, scratchBytes: 0 });

/**
 * Per-op rules, from docs/int8-spec.md §16 "State and scratch". Only the GRU keeps state or
 * needs scratch:
 * - state: the hidden state h, int16[U] (Q0.15); zeroed at the start of each inference;
 * - scratch: r ⊙ h and the next state hn, int16[2U], separate from h because every unit's
 *   candidate reads all of r ⊙ h and every unit's gates read the old h.
 * The float form keeps the same buffers as float32 (4 bytes a value).
 * Convolutions (also with a fused pool: the running max and the accumulator stay in registers),
 * dense layers and the element-wise ops need none.
 */
const RULES: Record<OpIR, WorkspaceRule> = {
  conv1d: NONE,
  relu: NONE,
  maxpool1d: NONE,
  concat: NONE,
  flatten: NONE,
  dense: NONE,
  sigmoid: NONE,
  gru: (layer, ir) => {
    const units = Number(layer.attrs.units);
    if (!Number.isInteger(units) || units <= 0) {
      throw new RangeError(`Layer "${layer.name}": gru attr units must be a positive integer`);
    }
    const stateElementBytes = ir.form === "int8" ? 2 : 4;
    return {
      stateBytes: units * stateElementBytes,
      scratchBytes: 2 * units * stateElementBytes,
    };
  },
};

/** The state and scratch bytes `layer` of `ir` needs, or a TypeError for an unknown op. */
export function layerWorkspace(layer: LayerIR, ir: ModelIR): LayerWorkspace {
  const rule = RULES[layer.op];
  if (!rule) throw new TypeError(`Layer "${layer.name}": unknown op "${layer.op}"`);
  return rule(layer, ir);
}
