/**
 * Loading figures for the shared training archive (24,588 segments): the first load (gunzip,
 * tar, parse, validate, write the cache), the cached load, and the peak resident memory of
 * each. Targets: first load ≤ 30 s, cached load ≤ 2 s, peak memory ≤ 1 GB.
 *
 * `deno bench -A bench/data_bench.ts` times both loads in this process and prints the peak
 * memory of each, measured in a fresh child process (this file run with
 * `--peak-memory <cacheDir>`). Set IEGM_ARCHIVE to measure another copy.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { loadDataset } from "../lib/data/mod.ts";

const ARCHIVE = Deno.env.get("IEGM_ARCHIVE") ??
  fileURLToPath(
    new URL("../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url),
  );

/** Peak resident set size of this process so far, in MB (Linux: VmHWM). */
async function peakRssMb(): Promise<number> {
  const status = await Deno.readTextFile("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

/**
 * Child mode: one load into `cacheDir` (a first load when it is empty, else a cached load);
 * prints the process's peak RSS in MB. A fresh process per load, because the heap a first load
 * leaves behind would otherwise count against the cached load.
 */
async function measurePeakMemory(cacheDir: string): Promise<void> {
  await loadDataset({ data: ARCHIVE, cacheDir });
  console.log(await peakRssMb());
}

/** Runs this file in child mode and returns the peak RSS it printed. */
async function childPeakRssMb(cacheDir: string): Promise<number> {
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fileURLToPath(import.meta.url), "--peak-memory", cacheDir],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!child.success) throw new Error(`Peak-memory child exited with ${child.code}`);
  return Number(new TextDecoder().decode(child.stdout));
}

if (Deno.args[0] === "--peak-memory") {
  await measurePeakMemory(Deno.args[1]);
} else {
  const cacheDir = await Deno.makeTempDir({ prefix: "iegm-bench-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));
  const first = await childPeakRssMb(`${cacheDir}/cached`);
  const cached = await childPeakRssMb(`${cacheDir}/cached`);
  console.log(`peak RSS: first load ${first.toFixed(0)} MB, cached load ${cached.toFixed(0)} MB`);

  let firstLoads = 0;
  Deno.bench("loadDataset(): first load of the archive (no cache yet)", {
    n: 2,
    warmup: 0,
  }, async () => {
    await loadDataset({ data: ARCHIVE, cacheDir: `${cacheDir}/first-${firstLoads++}` });
  });

  // The first child filled `${cacheDir}/cached`.
  Deno.bench("loadDataset(): cached load of the archive", { n: 5, warmup: 1 }, async () => {
    await loadDataset({ data: ARCHIVE, cacheDir: `${cacheDir}/cached` });
  });
}
