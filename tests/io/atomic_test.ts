import assert from "node:assert/strict";
import { join } from "node:path";
import { sweepStaleTemporaries, temporaryPath, writeDirAtomic } from "../../lib/io/atomic.ts";

// A pid above Linux's pid_max (4,194,304) never names a running process.
const DEAD_PID = 99_999_999;

Deno.test("sweepStaleTemporaries removes a dead process's temporaries and keeps the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dead = join(dir, `train.${DEAD_PID}.0.tmp`);
    const live = join(dir, `train.${Deno.pid}.7.tmp`);
    await Deno.mkdir(dead);
    await Deno.writeTextFile(join(dead, "half.json"), "{");
    await Deno.writeTextFile(join(dir, `stage.json.${DEAD_PID}.3.tmp`), "{");
    await Deno.mkdir(live);
    await Deno.mkdir(join(dir, "train"));
    await Deno.writeTextFile(join(dir, "notes.tmp"), "not ours");
    // A name as temporaryPath() makes it, of a process that is gone.
    const made = temporaryPath(join(dir, "model.c")).replace(`.${Deno.pid}.`, `.${DEAD_PID}.`);
    await Deno.writeTextFile(made, "int");

    const removed = await sweepStaleTemporaries(dir);

    assert.deepEqual(
      removed.sort(),
      [dead, join(dir, `stage.json.${DEAD_PID}.3.tmp`), made].sort(),
    );
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(left, ["notes.tmp", "train", `train.${Deno.pid}.7.tmp`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sweepStaleTemporaries on a missing folder removes nothing", async () => {
  assert.deepEqual(await sweepStaleTemporaries("/nonexistent/runs/pipeline"), []);
});

Deno.test("writeDirAtomic leaves no temporary when filling fails", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      writeDirAtomic(join(dir, "out"), () => Promise.reject(new Error("stage failed"))),
      /stage failed/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("temporaryPath() differs on every call, beside its path", () => {
  const a = temporaryPath("/x/out.json"), b = temporaryPath("/x/out.json");
  assert.notEqual(a, b);
  assert.ok(a.startsWith(`/x/out.json.${Deno.pid}.`) && a.endsWith(".tmp"), a);
});
