/**
 * `deno task plots`: interactive plots of a run on localhost (nodeplotlib and plotly.js):
 * training curves, the validation precision-recall curve, and sample waveforms per rhythm
 * with the model's probability of VA. Prints the URL, opens no browser, and on Ctrl-C or
 * SIGTERM closes the server and exits 0. Parses options and calls lib/plots_server.
 */
import { join } from "node:path";
import { type CommandSpec, intOption, parseCommand, runMain } from "../lib/cli/args.ts";
import { type Dataset, loadDataset } from "../lib/data/mod.ts";
import {
  DEFAULT_PER_RHYTHM,
  firstPipelineDir,
  loadPlotInputs,
  runFigures,
  servePlots,
  stopSignal,
} from "../lib/plots_server/mod.ts";
import { REPO_ROOT } from "./stage_cache.ts";

/** How long closing may take before the command gives up and says so. */
const CLOSE_TIMEOUT_MS = 5000;

const DEFAULT_RUNS = [
  join(REPO_ROOT, "runs", "pipeline"),
  join(REPO_ROOT, "runs", "pipeline-quick"),
];

const command: CommandSpec = {
  usage: "deno task plots [--run DIR] [--port N] [--per-rhythm N]",
  summary: "Serve interactive plots of a run on localhost until Ctrl-C: training curves, the " +
    "validation precision-recall curve, and validation segments per rhythm with the int8 " +
    "model's probability of VA. Prints the URL; opens no browser.",
  options: {
    run: {
      type: "string",
      value: "DIR",
      description: "A pipeline output folder, or a training run directory " +
        "(default: runs/pipeline, else runs/pipeline-quick).",
    },
    port: { type: "string", value: "N", description: "Port; 0 takes a free one.", default: "0" },
    "per-rhythm": {
      type: "string",
      value: "N",
      description: "Validation segments drawn per rhythm; 0 draws none.",
      default: String(DEFAULT_PER_RHYTHM),
    },
  },
};

await runMain(async () => {
  const args = parseCommand(command, Deno.args);
  const port = intOption(args, "port", 0, 65535)!;
  const perRhythm = intOption(args, "per-rhythm", 0, 100)!;
  const dir = (args.run as string | undefined) ?? await firstPipelineDir(DEFAULT_RUNS);
  const inputs = await loadPlotInputs(dir);
  const dataset = perRhythm > 0 ? await datasetOrWarning(inputs.config.data) : undefined;
  // Listening before the URL is printed: a signal sent as soon as it appears still closes.
  const stopped = stopSignal();
  const server = await servePlots(runFigures(inputs, dataset, perRhythm), { port });
  console.log(`Plots of ${dir}: ${server.url}  (Ctrl-C stops the server)`);
  const signal = await stopped;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    server.close().then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS)),
  ]).finally(() => clearTimeout(timer));
  if (!closed) throw new Error(`The server did not close within ${CLOSE_TIMEOUT_MS / 1000} s`);
  console.error(`[plots] ${signal}: server closed`);
  // Exit now rather than when the event loop drains: socket.io may keep timers until then.
  Deno.exit(0);
});

/** The run's dataset, or undefined with a warning: the other plots are still worth serving. */
async function datasetOrWarning(data: string): Promise<Dataset | undefined> {
  try {
    return await loadDataset({ data });
  } catch (error) {
    console.error(
      `warning: no waveform plots: cannot load the run's data ${data}: ${(error as Error).message}`,
    );
    return undefined;
  }
}
