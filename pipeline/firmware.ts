/**
 * `deno task firmware`: an int8 model → generated C → host validation against the TypeScript
 * interpreter, and on --target m4 the Cortex-M4 image under QEMU: exact instruction count of one
 * inference (per layer), sizes (Code / RO / RW / ZI), estimated latency (1.22 cycles per
 * counted instruction at 80 MHz) and the estimated contest score. Parses options and calls
 * lib/firmware; no logic here.
 */
import { type CommandSpec, intOption, parseCommand, runMain, UsageError } from "../lib/cli/args.ts";
import { DEFAULT_MODEL, resolveModel, validationSubjectsOf } from "../lib/models/mod.ts";
import { type Dataset, loadDataset, subset } from "../lib/data/mod.ts";
import { evenlySpaced, segmentsOfSubjects } from "../lib/quant/segments.ts";
import { type FirmwareReport, measureFirmware, quantizeDataset } from "../lib/firmware/mod.ts";
import { CYCLES_PER_INSTRUCTION } from "../lib/metrics/mod.ts";

const DEFAULT_DATA =
  new URL("../../shared/iegm/tinyml_contest_data_training.tar.gz", import.meta.url)
    .pathname;

const command: CommandSpec = {
  usage: "deno task firmware --model DIR|NAME [--target host|m4] [options]",
  summary: "Generate C for a quantized model, check the host build against the TypeScript int8 " +
    "interpreter on every chosen segment, and on --target m4 run the Cortex-M4 image under QEMU " +
    "(mps2-an386): outputs against the host's, instructions of one inference, image size, " +
    "estimated latency (counted instructions × 1.22 cycles at 80 MHz) and contest score.",
  options: {
    model: {
      type: "string",
      value: "DIR|NAME",
      description: "A quantize or pipeline output directory, or a committed model's name.",
      default: DEFAULT_MODEL,
    },
    target: { type: "string", value: "host|m4", description: "Where to run.", default: "m4" },
    opt: {
      type: "string",
      value: "Os|O2",
      description: "Optimisation of the M4 image.",
      default: "Os",
    },
    kernels: {
      type: "string",
      value: "m4|reference",
      description: "Kernel set of the M4 image (DSP versions or plain C).",
      default: "m4",
    },
    data: { type: "string", value: "PATH", description: "IEGM data directory or .tar.gz archive." },
    subjects: {
      type: "string",
      value: "S01,S02,…",
      description: "Subjects to run (default: the subjects the model's training run held out, " +
        "when its run is beside the IR; else every subject).",
    },
    segments: {
      type: "string",
      value: "N",
      description: "Segments checked on the host, evenly spaced (0 = all).",
      default: "0",
    },
    "m4-segments": {
      type: "string",
      value: "N",
      description: "Of those, how many also run under QEMU.",
      default: "50",
    },
    json: {
      type: "boolean",
      description: 'Print one JSON object {"instructions_per_inference", "latency_ms_est", ' +
        '"flash_bytes", "ram_bytes", "code", "ro", "rw", "zi", "agree_with_ts", "score_est", …}.',
    },
  },
};

function chooseSegments(dataset: Dataset, subjects: string[] | null, count: number): Dataset {
  const all = subjects
    ? segmentsOfSubjects(dataset, subjects)
    : Array.from({ length: dataset.size }, (_, i) => i);
  return subset(dataset, count > 0 ? evenlySpaced(all, count) : all);
}

function jsonOf(r: FirmwareReport, target: string, opt: string) {
  const m4 = r.m4;
  return {
    instructions_per_inference: m4?.instructions ?? null,
    latency_ms_est: m4?.latencyMs ?? null,
    flash_bytes: m4?.size.flash ?? null,
    ram_bytes: m4?.ramBytes ?? null,
    code: m4?.size.code ?? null,
    ro: m4?.size.ro ?? null,
    rw: m4?.size.rw ?? null,
    zi: m4?.size.zi ?? null,
    agree_with_ts: r.agreeWithTs,
    score_est: m4?.score ?? null,
    fbeta: r.fbeta,
    segments: r.segments,
    m4_segments: m4?.m4Segments ?? 0,
    stack_bytes: m4?.stackBytes ?? null,
    target,
    opt,
  };
}

function textReport(r: FirmwareReport, modelPath: string): string {
  const lines = [
    `model ${modelPath}`,
    `generated C: ${r.generatedDir}`,
    "",
    r.hostReport.trimEnd(),
    "",
  ];
  lines.push(
    `host C vs TypeScript interpreter: ${
      r.segments - (r.disagreements - (r.m4?.m4Disagreements ?? 0))
    }` +
      ` of ${r.segments} segments equal`,
  );
  const m4 = r.m4;
  if (m4) {
    lines.push(
      `M4 (QEMU) vs host: ${m4.m4Segments - m4.m4Disagreements} of ${m4.m4Segments} segments equal`,
      "",
      `Cortex-M4 image ${m4.elf}`,
      `  code ${m4.size.code}  ro ${m4.size.ro}  rw ${m4.size.rw}  zi ${m4.size.zi} bytes`,
      `  flash (code + ro + rw) ${m4.size.flash} bytes = ${(m4.size.flash / 1024).toFixed(2)} KiB`,
      `  ram: static ${m4.size.ram} + stack peak ${m4.stackBytes} = ${m4.ramBytes} bytes`,
      "",
      "instructions of one inference (QEMU exec log, per layer function):",
      ...m4.perLayer.map((l) => `  ${l.name.padEnd(16)} ${String(l.instructions).padStart(10)}`),
      `  ${"total".padEnd(16)} ${String(m4.instructions).padStart(10)}`,
      "",
      `latency estimate ${m4.latencyMs.toFixed(3)} ms (${m4.instructions} instructions × ` +
        `${CYCLES_PER_INSTRUCTION} cycles per counted instruction at 80 MHz)`,
      `estimated contest score ${m4.score.toFixed(2)} (Fβ ${
        r.fbeta.toFixed(4)
      } on ${r.segments} segments)`,
    );
  }
  lines.push(`agree_with_ts: ${r.agreeWithTs}`);
  return lines.join("\n");
}

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const { path, ir } = await resolveModel(args.model as string).catch((error) => {
    throw new UsageError((error as Error).message);
  });
  const target = args.target;
  if (target !== "host" && target !== "m4") {
    throw new UsageError(`--target must be "host" or "m4", got "${target}"`);
  }
  const opt = args.opt;
  if (opt !== "Os" && opt !== "O2") {
    throw new UsageError(`--opt must be "Os" or "O2", got "${opt}"`);
  }
  const kernels = args.kernels;
  if (kernels !== "m4" && kernels !== "reference") {
    throw new UsageError(`--kernels must be "m4" or "reference", got "${kernels}"`);
  }
  const dataset = await loadDataset({
    data: typeof args.data === "string" ? args.data : DEFAULT_DATA,
  });
  const subjects = typeof args.subjects === "string"
    ? args.subjects.split(",").map((s) => s.trim()).filter(Boolean)
    : await validationSubjectsOf(path);
  const chosen = chooseSegments(dataset, subjects, intOption(args, "segments", 0)!);
  const report = await measureFirmware(ir, {
    target,
    segments: quantizeDataset(ir, chosen),
    m4Segments: intOption(args, "m4-segments", 1)!,
    optimize: `-${opt}`,
    kernels,
  });
  if (args.json) console.log(JSON.stringify(jsonOf(report, target, opt)));
  else console.log(textReport(report, path));
  if (!report.agreeWithTs) Deno.exitCode = 1;
});
