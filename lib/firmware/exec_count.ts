/**
 * Exact instruction counts from QEMU's execution log. QEMU runs with `-singlestep -d
 * exec,nochain`, so every executed instruction is one translation block and one log line
 * `Trace 0: 0x… [xxxxxxxx/PC/…] symbol`. Counting starts when the begin marker function runs
 * and stops when the end marker runs; the harness function that calls the markers (main) is
 * left out, so the count is the inference call itself: model_classify (the rate gate, then
 * model_run) and everything it calls.
 *
 * Per layer: the generated model_run calls one non-inlined function per layer (named with
 * LAYER_FUNCTION_PREFIX); every instruction is attributed to the most recently entered layer
 * function, which is exact for the kernels it calls. The instructions of model_classify,
 * model_run (calls and returns between layers) and the rate gate's estimator are attributed to
 * each by name.
 */
import { addressLookup, type FunctionRange } from "./symbols.ts";

/** Prefix of the generated per-layer functions. */
export const LAYER_FUNCTION_PREFIX = "iegm_layer_";
/** Marker functions the M4 harness calls around one inference. */
export const BEGIN_MARKER = "iegm_mark_begin";
export const END_MARKER = "iegm_mark_end";

/** The rate gate's estimator in the runtime (docs/int8-spec.md §14). */
export const RATE_GATE_FUNCTION = "iegm_twice_median_beat_interval_s8";

/** Functions counted under their own name rather than the most recent layer's. */
const NAMED_FUNCTIONS = new Set(["model_run", "model_classify", RATE_GATE_FUNCTION]);

/** The instructions of one measured region. */
export interface InstructionCount {
  total: number;
  /** Per layer function (prefix removed) plus the named functions, in order of entry. */
  perFunction: Record<string, number>;
}

/** Options: which functions are markers and which is the harness. */
export interface CountOptions {
  begin?: string;
  end?: string;
  harness?: string;
}

const TRACE = /^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+\/([0-9a-f]+)\//;

/**
 * Counts the instructions between the first run of the begin and end markers in `lines` (the
 * execution log, line by line). Throws a RangeError if a marker never runs.
 */
export async function countInstructions(
  lines: AsyncIterable<string> | Iterable<string>,
  ranges: FunctionRange[],
  options: CountOptions = {},
): Promise<InstructionCount> {
  const begin = options.begin ?? BEGIN_MARKER;
  const end = options.end ?? END_MARKER;
  const harness = options.harness ?? "main";
  const lookup = addressLookup(ranges);
  const nameOf = new Map<number, string | undefined>();
  let state: "before" | "inside" | "done" = "before";
  let total = 0;
  let current = "model_run";
  const perFunction: Record<string, number> = {};
  for await (const line of lines) {
    const match = TRACE.exec(line);
    if (!match) continue;
    const pc = parseInt(match[1], 16);
    let name = nameOf.get(pc);
    if (!nameOf.has(pc)) {
      name = lookup(pc);
      nameOf.set(pc, name);
    }
    if (state === "before") {
      if (name === begin) state = "inside";
      continue;
    }
    if (name === end) {
      state = "done";
      break;
    }
    if (name === begin || name === harness) continue;
    if (name !== undefined && name.startsWith(LAYER_FUNCTION_PREFIX)) {
      current = name.slice(LAYER_FUNCTION_PREFIX.length);
    } else if (name !== undefined && NAMED_FUNCTIONS.has(name)) {
      current = name;
    }
    total++;
    perFunction[current] = (perFunction[current] ?? 0) + 1;
  }
  if (state === "before") throw new RangeError(`The begin marker ${begin} never ran`);
  if (state === "inside") throw new RangeError(`The end marker ${end} never ran`);
  return { total, perFunction };
}
