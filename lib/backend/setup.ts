/** Selecting the tfjs backend: wasm (with the gradient kernels it lacks), or cpu as fallback. */
import { tf } from "./tf.ts";
import { conv2dBackpropFilterIm2colConfig } from "./conv2d_backprop_filter_im2col.ts";
import { concatWasmConfig } from "./concat.ts";
import { splitVWasmConfig } from "./split_v.ts";
import { tileWasmConfig } from "./tile.ts";

/** The backends the project trains and predicts on. */
export type BackendName = "wasm" | "cpu";

let kernelsRegistered = false;

/**
 * Registers the kernels the wasm backend lacks for training, and replaces its slow Tile,
 * Concat and SplitV (once per process).
 */
export function registerWasmTrainingKernels(): void {
  if (kernelsRegistered) return;
  // The im2col + matmul form; the plain loop (conv2d_backprop_filter.ts) is its reference.
  tf.registerKernel(conv2dBackpropFilterIm2colConfig);
  for (const config of [tileWasmConfig, concatWasmConfig, splitVWasmConfig]) {
    tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
  kernelsRegistered = true;
}

/**
 * Makes `preferred` the active tfjs backend and returns the one in use. The wasm backend gets
 * its missing training kernels; if wasm cannot start, the cpu backend is used with a warning
 * on stderr (training still works, several times slower).
 *
 * @example Selecting the default backend
 * ```ts
 * import { setupBackend } from "./mod.ts";
 * const name = await setupBackend();
 * if (name !== "wasm" && name !== "cpu") throw new Error(name);
 * ```
 */
export async function setupBackend(preferred: BackendName = "wasm"): Promise<BackendName> {
  // Registered even when wasm is already active: tfjs may have started it on its own.
  if (preferred === "wasm") registerWasmTrainingKernels();
  if (activeBackend() === preferred) return preferred;
  if (preferred === "wasm") {
    let started = false;
    try {
      started = await tf.setBackend("wasm");
    } catch (error) {
      console.warn(`warning: the wasm backend failed to start (${(error as Error).message})`);
    }
    if (started) return "wasm";
    console.warn("warning: falling back to the tfjs cpu backend; training will be slow");
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("The tfjs cpu backend failed to start");
  return "cpu";
}

/**
 * The active backend's name, starting the default one (setupBackend()) if none has been
 * chosen yet. tfjs cannot start the wasm backend synchronously, so code that loads or runs
 * models without choosing a backend (loadRun, predictScores' callers) awaits this first.
 */
export async function ensureBackend(): Promise<string> {
  return activeBackend() ?? await setupBackend();
}

/** The active backend's name, or null before any backend was initialised. */
function activeBackend(): string | null {
  // engine().backendName is a plain field; tf.getBackend() would try to start a backend.
  return tf.engine().backendName ?? null;
}
