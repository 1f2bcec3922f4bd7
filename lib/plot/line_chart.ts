import type { VegaLiteSpec } from "./render.ts";
import { type ChartOptions, commonSpec, type Row } from "./_options.ts";

/** Options of {@linkcode lineChart}. */
export interface LineChartOptions extends ChartOptions {
  /** Field of the x position (quantitative). */
  x: string;
  /** Field of the y position (quantitative). */
  y: string;
  /** Field naming the series: one coloured line per value, legend in the rows' order; optional. */
  series?: string;
  /**
   * Field splitting the data into small multiples stacked vertically (one panel per value, in
   * the rows' order, each with its own y scale); optional. `width`/`height` are then per panel.
   */
  facet?: string;
  /** Use a log scale for y (e.g. power spectra). */
  logY?: boolean;
  /** Fixed [min, max] of the y axis; default: fitted to the data. */
  yDomain?: readonly [number, number];
  /** Line width in pixels (default 1.5; thin lines suit dense waveforms). */
  strokeWidth?: number;
}

/**
 * A Vega-Lite line chart of `rows`, with optional series (colour) and facets (panels).
 *
 * @example Two series
 * ```ts
 * import { lineChart } from "./line_chart.ts";
 * const rows = [0, 1, 2].flatMap((t) => [
 *   { t, v: t, which: "a" },
 *   { t, v: 2 * t, which: "b" },
 * ]);
 * const spec = lineChart(rows, { x: "t", y: "v", series: "which" });
 * if (!("encoding" in spec)) throw new Error("expected a single-view spec");
 * ```
 */
export function lineChart(rows: readonly Row[], options: LineChartOptions): VegaLiteSpec {
  const encoding = {
    x: { field: options.x, type: "quantitative", title: options.xTitle ?? options.x },
    y: {
      field: options.y,
      type: "quantitative",
      title: options.yTitle ?? options.y,
      // A log scale has no zero; a linear one fits the data rather than starting at zero.
      scale: {
        ...(options.logY ? { type: "log" } : { zero: false }),
        ...(options.yDomain ? { domain: [...options.yDomain] } : {}),
      },
    },
    ...(options.series === undefined ? {} : {
      color: { field: options.series, type: "nominal", sort: firstSeen(rows, options.series) },
    }),
  };
  const mark = { type: "line", strokeWidth: options.strokeWidth ?? 1.5, clip: true };
  const size = { width: options.width ?? 480, height: options.height ?? 240 };
  if (options.facet === undefined) {
    return { ...commonSpec(rows, options), ...size, mark, encoding } as VegaLiteSpec;
  }
  return {
    ...commonSpec(rows, options),
    facet: {
      row: {
        field: options.facet,
        type: "nominal",
        sort: firstSeen(rows, options.facet),
        title: null,
        // Panel names above each panel, left-aligned: long names stay readable.
        header: { labelAngle: 0, labelOrient: "top", labelAnchor: "start", labelFontSize: 11 },
      },
    },
    resolve: { scale: { y: "independent" } },
    spec: { ...size, mark, encoding },
  } as VegaLiteSpec;
}

/** The distinct values of `field` in the order rows first show them (legend and panel order). */
function firstSeen(rows: readonly Row[], field: string): (string | number | boolean | null)[] {
  return [...new Set(rows.map((row) => row[field]))];
}
