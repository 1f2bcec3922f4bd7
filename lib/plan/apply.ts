/** Writes a checked plan into an IR: the form the code generator reads. */
import type { ModelIR, TensorIR } from "../ir/ir.ts";
import { checkPlan } from "./check.ts";
import type { MemoryPlan } from "./types.ts";

/**
 * A copy of `ir` whose tensors carry `offset` (and `view` for concat views) from `plan`, after
 * checkPlan() accepted the plan. `ir` itself is not changed; offsets or views it already had
 * are replaced.
 *
 * A view's `offset` is the byte offset of its element [0, 0], i.e. inside its concat output:
 * the producing conv1d writes row t at `offset + t · C_of · elementBytes`. An alias (flatten,
 * in-place relu or maxpool1d) has its source's offset: flatten then does nothing, relu and
 * max-pool run in place. Workspaces in the arena (`workspaceInArena`) have no place in the IR:
 * the code generator reads them from `plan.workspace`.
 */
export function applyPlan(ir: ModelIR, plan: MemoryPlan): ModelIR {
  checkPlan(ir, plan);
  const tensors: Record<string, TensorIR> = {};
  for (const [name, tensor] of Object.entries(ir.tensors)) {
    const { view: _oldView, offset: _oldOffset, ...rest } = tensor;
    const view = plan.views[name];
    tensors[name] = {
      ...rest,
      shape: [...tensor.shape],
      offset: plan.tensors[name].offset,
      ...(view ? { view: { of: view.of, channelOffset: view.channelOffset } } : {}),
    };
  }
  return { ...ir, tensors, layers: [...ir.layers] };
}
