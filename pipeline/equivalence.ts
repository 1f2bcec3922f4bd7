/**
 * `deno run -A pipeline/equivalence.ts --cases N --seed S`: the randomized equivalence check of
 * the C runtime against the TypeScript int8 interpreter — random small int8 models (every
 * supported op, random shapes and scales) on random and extreme inputs, every layer's output
 * compared. Prints the count of cases and of mismatches. Parses options and calls lib/firmware.
 */
import { type CommandSpec, intOption, parseCommand, runMain, UsageError } from "../lib/cli/args.ts";
import { checkEquivalence } from "../lib/firmware/mod.ts";

const command: CommandSpec = {
  usage: "deno run -A pipeline/equivalence.ts --cases N --seed S [options]",
  summary: "Check that the C runtime (host or Cortex-M4 under QEMU) computes exactly what the " +
    "TypeScript int8 interpreter computes, on random small models and inputs. A case is one " +
    "model run on one input; every layer's output is compared.",
  options: {
    cases: { type: "string", value: "N", description: "Cases to run.", default: "10000" },
    seed: {
      type: "string",
      value: "S",
      description: "Seed of the models and inputs.",
      default: "1",
    },
    "inputs-per-model": {
      type: "string",
      value: "K",
      description: "Inputs per model (the first four are the extremes: −128s, 127s, zeros, ±).",
      default: "5",
    },
    target: { type: "string", value: "host|m4", description: "Where the C runs.", default: "host" },
    kernels: {
      type: "string",
      value: "reference|m4",
      description: "Kernel set (m4 needs --target m4).",
      default: "reference",
    },
    json: { type: "boolean", description: "Print the report as one JSON object." },
  },
};

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const cases = intOption(args, "cases", 1)!;
  const seed = intOption(args, "seed", 0, 2 ** 32 - 1)!;
  const perModel = intOption(args, "inputs-per-model", 1, 1000)!;
  const target = args.target, kernels = args.kernels;
  if (target !== "host" && target !== "m4") throw new UsageError(`--target must be host or m4`);
  if (kernels !== "reference" && kernels !== "m4") {
    throw new UsageError(`--kernels must be reference or m4`);
  }
  if (kernels === "m4" && target !== "m4") throw new UsageError("--kernels m4 needs --target m4");
  const models = Math.ceil(cases / perModel);
  const started = Date.now();
  const report = await checkEquivalence({
    models,
    inputsPerModel: perModel,
    seed,
    target,
    kernels,
    onProgress: (done) => {
      if (!args.json) console.error(`${done} cases checked`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  if (args.json) {
    console.log(JSON.stringify({ ...report, seed, target, kernels, seconds }));
  } else {
    console.log(
      `${report.cases} cases (${report.models} models × ${perModel} inputs, seed ${seed}, ` +
        `${target}, ${kernels} kernels): ${report.layerOutputsCompared} layer outputs compared, ` +
        `${report.mismatchCount} mismatches, ${seconds.toFixed(1)} s`,
    );
    console.log(
      `ops: ${Object.entries(report.opCounts).map(([op, n]) => `${op} ${n}`).join(", ")}`,
    );
    for (const m of report.mismatches.slice(0, 20)) {
      console.log(
        `  model seed ${m.modelSeed}, input ${m.inputIndex}, layer ${m.layer}: element ${m.element} ` +
          `expected ${m.expected}, got ${m.actual}`,
      );
    }
  }
  if (report.mismatchCount > 0) Deno.exitCode = 1;
});
