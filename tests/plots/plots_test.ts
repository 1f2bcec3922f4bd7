/**
 * `deno task plots` and the pipeline's report.html in headless Chromium: every plot drawn, no
 * console errors, and the plot server stopped cleanly (exit 0) by SIGTERM and by SIGINT.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { requireChromium, withChromium } from "../browser/chromium.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const PIPELINE = join(ROOT, "pipeline", "pipeline.ts");
const PLOTS = join(ROOT, "pipeline", "plots.ts");
const EXIT_TIMEOUT_MS = 10_000;

/** A running `deno task plots` with its output collected. */
interface PlotsProcess {
  child: Deno.ChildProcess;
  url: string;
  /** Everything printed so far (stdout and stderr), read in the background. */
  output: () => string;
}

async function quickPipeline(out: string): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PIPELINE, "--quick", "--quiet", "--out", out],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
}

/** Starts the plots command on a free port and waits for it to print its URL. */
async function startPlots(run: string): Promise<PlotsProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PLOTS, "--run", run, "--port", "0"],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const announced = Promise.withResolvers<string>();
  // Drain both pipes for the whole run, so a chatty server never blocks on a full pipe.
  for (const stream of [child.stdout, child.stderr]) {
    (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        text += chunk;
        const url = text.match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0];
        if (url) announced.resolve(url);
      }
    })();
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const url = await Promise.race([
    announced.promise,
    child.status.then((s) => `exited with code ${s.code}`),
    new Promise<string>((resolve) => timer = setTimeout(() => resolve("no URL in 20 s"), 20_000)),
  ]).finally(() => clearTimeout(timer));
  if (!url.startsWith("http")) {
    await stop(child, "SIGKILL");
    throw new Error(`deno task plots did not start: ${url}\n${text}`);
  }
  return { child, url, output: () => text };
}

/** Sends `signal` and returns the exit status; SIGKILL if it has not exited in time. */
async function stop(child: Deno.ChildProcess, signal: Deno.Signal): Promise<Deno.CommandStatus> {
  try {
    child.kill(signal);
  } catch { /* already exited */ }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    child.status,
    new Promise<undefined>((resolve) =>
      timer = setTimeout(() => resolve(undefined), EXIT_TIMEOUT_MS)
    ),
  ]).finally(() => clearTimeout(timer));
  if (status) return status;
  child.kill("SIGKILL");
  await child.status;
  throw new Error(`Still running ${EXIT_TIMEOUT_MS / 1000} s after ${signal}: killed`);
}

/** The titles of the plotly plots that have drawn at least one trace. */
const DRAWN_PLOT_TITLES = `[...document.querySelectorAll(".js-plotly-plot")]
  .filter((plot) => plot.querySelector(".main-svg .trace"))
  .map((plot) => plot.querySelector(".gtitle")?.textContent ?? "")`;

Deno.test("plots and report.html draw every plot in headless Chromium without console errors", async (t) => {
  await requireChromium();
  const out = await Deno.makeTempDir({ prefix: "plots-test-" });
  try {
    await quickPipeline(out);
    const validation = JSON.parse(
      await Deno.readTextFile(join(out, "train", "run", "validation.json")),
    ) as { rhythms: string[] };
    const rhythms = [...new Set(validation.rhythms)];

    await t.step(
      "deno task plots: training, PR and per-rhythm waveform plots; SIGTERM exits 0",
      async () => {
        const plots = await startPlots(out);
        let status: Deno.CommandStatus;
        try {
          await withChromium(async (browser) => {
            const page = await browser.open(plots.url);
            const titles = await page.waitFor<string[]>(
              `(() => { const t = ${DRAWN_PLOT_TITLES}; return t.length >= ${
                2 + rhythms.length
              } && t; })()`,
              20_000, // plotly.js is 3.4 MB of script to parse; generous for a loaded machine
            );
            assert.equal(titles.length, 2 + rhythms.length, titles.join("; "));
            assert.match(titles[0], /^Training curves/);
            assert.match(titles[1], /^Precision-recall/);
            for (const rhythm of rhythms) {
              assert.ok(titles.some((t) => t.startsWith(`${rhythm} (`)), `no ${rhythm} plot`);
            }
            // The waveform legends carry the int8 model's probability of VA.
            const legends = await page.evaluate<string[]>(
              `[...document.querySelectorAll(".legendtext")].map((e) => e.textContent)`,
            );
            assert.ok(
              legends.some((l) => /int8 \d\.\d{3} → (non-)?VA/.test(l)),
              legends.join("; "),
            );
            assert.deepEqual(page.errors, []);
          });
        } finally {
          // Stopped whatever happened above; asserted below, so a failure above is reported.
          status = await stop(plots.child, "SIGTERM");
        }
        assert.equal(status.code, 0, plots.output());
        assert.match(plots.output(), /SIGTERM: server closed/);
        await assert.rejects(fetch(plots.url), "the server still answers after exiting");
      },
    );

    await t.step("deno task plots exits 0 on Ctrl-C (SIGINT)", async () => {
      const plots = await startPlots(out);
      const status = await stop(plots.child, "SIGINT");
      assert.equal(status.code, 0, plots.output());
      assert.match(plots.output(), /SIGINT: server closed/);
    });

    await t.step("report.html: every SVG plot drawn, no console errors", async () => {
      const file = join(out, "report", "report.html");
      const svgs = (await Deno.readTextFile(file)).match(/<svg[\s>]/g)?.length ?? 0;
      assert.ok(svgs >= 4, `report.html has ${svgs} SVG plots`);
      await withChromium(async (browser) => {
        const page = await browser.open(`file://${file}`);
        const drawn = await page.evaluate<{ width: number; height: number; marks: number }[]>(
          `[...document.querySelectorAll("svg")].map((svg) => {
            const box = svg.getBoundingClientRect();
            const marks = svg.querySelectorAll("path, rect, line, circle, text").length;
            return { width: box.width, height: box.height, marks };
          })`,
        );
        assert.equal(drawn.length, svgs);
        for (const [i, svg] of drawn.entries()) {
          assert.ok(
            svg.width > 0 && svg.height > 0 && svg.marks > 0,
            `SVG ${i}: ${JSON.stringify(svg)}`,
          );
        }
        assert.deepEqual(page.errors, []);
      });
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
