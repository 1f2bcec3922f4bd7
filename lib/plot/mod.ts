/**
 * Plots as SVG, headless: build a Vega-Lite spec (with the small builders here or by hand),
 * then render it with {@linkcode vegaLiteToSvg}. Same spec → same SVG bytes, so notebooks and
 * reports committed with their plots diff cleanly.
 *
 * In a Deno notebook, end a cell with `await renderChart(spec)` to show the plot (or call
 * `Deno.jupyter.display({ "image/svg+xml": svg }, { raw: true })` for several in one cell); in
 * HTML, inline the SVG.
 *
 * @example A line chart with two series, rendered
 * ```ts
 * import { lineChart, vegaLiteToSvg } from "./mod.ts";
 * const rows = [0, 1, 2, 3].flatMap((t) => [
 *   { t, value: Math.sin(t), series: "sin" },
 *   { t, value: Math.cos(t), series: "cos" },
 * ]);
 * const svg = await vegaLiteToSvg(lineChart(rows, { x: "t", y: "value", series: "series" }));
 * if (!svg.includes("</svg>")) throw new Error("incomplete SVG");
 * ```
 *
 * @module
 */
export { type VegaLiteSpec, vegaLiteToSvg } from "./render.ts";
export { renderChart, type RenderedChart } from "./display.ts";
export { barChart, type BarChartOptions } from "./bar_chart.ts";
export { lineChart, type LineChartOptions } from "./line_chart.ts";
export type { ChartOptions, Row } from "./_options.ts";
