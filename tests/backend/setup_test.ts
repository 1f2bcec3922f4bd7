import assert from "node:assert/strict";

const REPO = new URL("../../", import.meta.url).pathname;

/** Runs `code` as a module in a fresh Deno process at the repository root. */
async function evalFresh(code: string) {
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: REPO,
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { exit, stdout: decode(stdout), stderr: decode(stderr) };
}

Deno.test("setupBackend() registers the training kernels even if tfjs started wasm itself", async () => {
  const { exit, stdout, stderr } = await evalFresh(`
    import { setupBackend, tf } from "./lib/backend/mod.ts";
    await tf.ready(); // tfjs picks wasm on its own, without our kernels
    console.log(tf.getBackend(), await setupBackend("wasm"));
    const x = tf.ones([1, 1, 4, 1]) as tf.Tensor4D;
    const g = tf.grad((f) => tf.conv2d(x, f as tf.Tensor4D, 1, "same").sum())(tf.ones([1, 3, 1, 1]));
    console.log(Array.from(g.dataSync()).join(","));
  `);
  assert.equal(exit, 0, stderr);
  assert.equal(stdout, "wasm wasm\n3,4,3\n");
});

Deno.test("ensureBackend() starts wasm when no backend was chosen, and prints no Node banner", async () => {
  const { exit, stdout, stderr } = await evalFresh(`
    import { ensureBackend, tf } from "./lib/backend/mod.ts";
    console.log(await ensureBackend());
    await tf.setBackend("cpu");
    tf.tensor1d([1, 2]).dataSync(); // the cpu backend's first write would print the banner
    console.log(await ensureBackend());
  `);
  assert.equal(exit, 0, stderr);
  assert.equal(stdout, "wasm\ncpu\n");
  assert.doesNotMatch(stderr, /looks like you are running TensorFlow.js in Node/);
});
