import { type VegaLiteSpec, vegaLiteToSvg } from "./render.ts";

/** A rendered chart that Jupyter's Deno kernel displays as SVG when a cell evaluates to it. */
export interface RenderedChart {
  /** The SVG document. */
  readonly svg: string;
}

/** The symbol through which the Deno Jupyter kernel asks an object for its MIME bundle. */
const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/**
 * Renders `spec` to SVG and wraps it so that, as the last expression of a notebook cell, it is
 * shown as an image (MIME type image/svg+xml) — no `Deno.jupyter` call needed, so the same code
 * type-checks and runs outside a notebook, where `.svg` holds the document.
 *
 * @example
 * ```ts
 * import { barChart, renderChart } from "./mod.ts";
 * const chart = await renderChart(barChart([{ k: "a", n: 1 }], { x: "k", y: "n" }));
 * if (!chart.svg.startsWith("<svg")) throw new Error();
 * ```
 */
export async function renderChart(spec: VegaLiteSpec): Promise<RenderedChart> {
  const svg = await vegaLiteToSvg(spec);
  return {
    svg,
    [JUPYTER_DISPLAY]: () => ({ "image/svg+xml": svg }),
  } as RenderedChart;
}
