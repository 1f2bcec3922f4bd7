/**
 * The one place the project imports TensorFlow.js for training and inference: tfjs with the
 * wasm backend registered, and the cpu backend's "running TensorFlow.js in Node.js" banner
 * silenced (under Deno the advice it gives, installing tfjs-node, does not apply).
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

silenceNodeBanner();

/**
 * The cpu backend prints its banner on its first tensor write when it detects Node.js. The
 * flag it checks is private, so we mark the backend as already used; creating the cpu backend
 * instance for this is cheap and does not select it.
 */
function silenceNodeBanner(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

export { tf };
