/** The memory plan: where every activation tensor lives, and the RAM the model needs. */

/** Where one tensor is stored and when it must stay intact. */
export interface TensorPlacement {
  /**
   * Byte offset in the arena of the tensor's first element. A root tensor's offset is a
   * multiple of ARENA_ALIGN; a view's is its parent's offset plus channelOffset elements.
   */
  offset: number;
  /** Bytes of the tensor's own elements: product of its shape × element size. */
  bytes: number;
  /**
   * Index of the layer that writes it; 0 for the model input, which the caller writes into the
   * arena before layer 0 runs.
   */
  firstLayer: number;
  /**
   * Index of the last layer that reads it (at least firstLayer); the last layer for the model
   * output, which the caller reads after the run.
   */
  lastLayer: number;
}

/** A tensor stored inside a concat output at a channel offset (rows C_of elements apart). */
export interface ViewPlacement {
  /** The concat output tensor holding this one. */
  of: string;
  /** First channel of `of` that this tensor occupies. */
  channelOffset: number;
}

/** A layer's state and scratch, placed inside the arena for that layer's run only. */
export interface WorkspacePlacement {
  /** Arena offset of the layer's state, a multiple of ARENA_ALIGN. */
  stateOffset: number;
  stateBytes: number;
  /** Arena offset of the layer's scratch, a multiple of ARENA_ALIGN. */
  scratchOffset: number;
  scratchBytes: number;
}

/**
 * A plan of one model's RAM. Three kinds of memory, each a separate static buffer in the
 * generated C:
 * - the arena (`arenaBytes`): every activation tensor, at `tensors[name].offset`, the model's
 *   input and output included;
 * - the state buffer (`stateBytes`): recurrent state (the GRU's hidden state), one buffer shared by
 *   all recurrent layers because layers run one at a time and the state is reset per inference;
 * - the scratch buffer (`scratchBytes`): per-kernel working memory, shared by all layers.
 *
 * By default state and scratch are those separate buffers and `workspace` is empty. With
 * planMemory's `workspaceInArena` option, every layer that needs state or scratch gets them
 * inside the arena instead (`workspace[layerName]`), placed like a tensor that lives only while
 * that layer runs; the separate buffers then only cover layers absent from `workspace` (none).
 */
export interface MemoryPlan {
  /** Which planner made it. */
  planner: "greedy" | "trivial";
  /** Size of the arena; a multiple of ARENA_ALIGN. */
  arenaBytes: number;
  /** Size of the state buffer: the largest state any layer needs. */
  stateBytes: number;
  /** Size of the scratch buffer: the largest scratch any layer needs. */
  scratchBytes: number;
  /** arenaBytes + stateBytes + scratchBytes. */
  totalBytes: number;
  /** Every tensor of the model, views and aliases included. */
  tensors: Record<string, TensorPlacement>;
  /** Tensors written in place into a concat output; that concat layer does nothing. */
  views: Record<string, ViewPlacement>;
  /**
   * Tensors that share the bytes of the tensor named: a flatten output is its input's bytes
   * (flatten does nothing), and a relu or unfused maxpool1d whose input dies there
   * writes its output over its input.
   */
  aliases: Record<string, string>;
  /** State and scratch in the arena, by layer name (only with `workspaceInArena`). */
  workspace: Record<string, WorkspacePlacement>;
}

/** Options of planMemory(). */
export interface PlanOptions {
  /**
   * Place each layer's state and scratch in the arena, live for that layer only
   * (docs/int8-spec.md §16 allows it: the GRU state is zeroed at the start of each inference
   * and not needed after the layer). Default false: separate static buffers.
   */
  workspaceInArena?: boolean;
}

/**
 * Alignment of every root tensor's offset, and of the arena size. 4 bytes because the
 * Cortex-M4 kernels load int8 data four at a time with 32-bit loads (for SMLAD), LDRD and LDM
 * fault on unaligned addresses, and int16/int32 tensors need their natural alignment.
 */
export const ARENA_ALIGN = 4;
