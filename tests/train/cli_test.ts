import assert from "node:assert/strict";
import { join } from "node:path";

const SCRIPT = new URL("../../pipeline/train.ts", import.meta.url).pathname;

async function trainCli(args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

/** A data directory of 4 subjects × 4 segments (two SR, two VT), in the contest's format. */
async function tinyDataDir(): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (let s = 1; s <= 4; s++) {
    for (let n = 1; n <= 4; n++) {
      const rhythm = n % 2 ? "VT" : "SR";
      const omega = rhythm === "VT" ? 0.25 : 0.04;
      const lines = Array.from(
        { length: 1250 },
        (_, t) => (0.5 * Math.sin(omega * t + n)).toFixed(7),
      );
      await Deno.writeTextFile(join(dir, `S0${s}-${rhythm}-${n}.txt`), lines.join("\n") + "\n");
    }
  }
  return dir;
}

Deno.test("deno task train --help documents every option", async () => {
  const { code, stdout } = await trainCli(["--help"]);
  assert.equal(code, 0);
  for (
    const option of [
      "--arch",
      "--data",
      "--out",
      "--folds",
      "--fold",
      "--cv",
      "--epochs",
      "--seed",
      "--augment",
      "--keep",
      "--average-epochs",
      "--lr-schedule",
      "--threshold",
      "--quiet",
    ]
  ) {
    assert.match(stdout, new RegExp(`${option}\\b`));
  }
});

Deno.test("deno task train rejects an unknown arch with exit code 2", async () => {
  const { code, stderr } = await trainCli(["--arch", "resnet", "--data", "x", "--out", "y"]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    /error: --arch must be one of threeblock, twoblock, nnom, compact, got "resnet"/,
  );
});

Deno.test("deno task train rejects --average-epochs without --keep average", async () => {
  const base = ["--arch", "nnom", "--data", "x", "--out", "y", "--average-epochs", "5"];
  const { code, stderr } = await trainCli(base);
  assert.equal(code, 2);
  assert.match(stderr, /--average-epochs needs --keep average/);
  const bad = await trainCli([...base, "--keep", "last"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--keep must be best-epoch or average, got "last"/);
});

Deno.test("deno task train rejects a threshold outside (0, 1) with exit code 2", async () => {
  const base = ["--arch", "threeblock", "--data", "x", "--out", "y", "--threshold"];
  for (const bad of ["1", "0", "often"]) {
    const { code, stderr } = await trainCli([...base, bad]);
    assert.equal(code, 2, bad);
    assert.match(stderr, /--threshold/, bad);
  }
});

Deno.test("deno task train rejects a fold out of range with exit code 2", async () => {
  const { code, stderr } = await trainCli([
    "--arch",
    "nnom",
    "--data",
    "x",
    "--out",
    "y",
    "--folds",
    "5",
    "--fold",
    "5",
  ]);
  assert.equal(code, 2);
  assert.match(stderr, /--fold must be an integer in \[0, 4\]/);
});

Deno.test("deno task train fails on missing data and writes no run directory", async () => {
  const parent = await Deno.makeTempDir();
  const out = join(parent, "run");
  const { code, stderr } = await trainCli([
    "--arch",
    "compact",
    "--data",
    join(parent, "no-such-data"),
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(code, 1);
  assert.match(stderr, /error: .*no-such-data/);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(parent)), []);
});

Deno.test("deno task train writes a complete run directory for one fold", async () => {
  const data = await tinyDataDir();
  const work = await Deno.makeTempDir();
  const out = join(work, "run");
  const { code, stdout, stderr } = await trainCli([
    "--arch",
    "compact",
    "--data",
    data,
    "--cache-dir",
    join(work, "cache"),
    "--out",
    out,
    "--folds",
    "2",
    "--fold",
    "1",
    "--epochs",
    "1",
    "--batch-size",
    "4",
    "--augment",
    "sign-flip,shift=10",
    "--threshold",
    "0.3",
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /compact fold 1\/1: validation Fβ .* at threshold 0\.3 \(fixed\)/);
  assert.match(stderr, /epoch 1\/1 loss/); // not a terminal: one line per epoch
  const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.equal(config.fold, 1);
  assert.equal(config.epochs, 1);
  assert.deepEqual(config.augmentation, {
    signFlip: true,
    amplitudeScale: 0,
    noiseStd: 0,
    timeShift: 10,
  });
  assert.equal(config.threshold, 0.3);
  const metrics = JSON.parse(await Deno.readTextFile(join(out, "metrics.json")));
  assert.deepEqual([metrics.threshold, metrics.thresholdSource], [0.3, "fixed"]);
  for (const file of ["model.json", "weights.bin", "spec.json", "history.json", "metrics.json"]) {
    assert.ok((await Deno.stat(join(out, file))).isFile, file);
  }
});
