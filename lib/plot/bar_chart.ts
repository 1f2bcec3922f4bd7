import type { VegaLiteSpec } from "./render.ts";
import { type ChartOptions, commonSpec, type Row } from "./_options.ts";

/** Options of {@linkcode barChart}. */
export interface BarChartOptions extends ChartOptions {
  /** Field holding the category of each bar (nominal). */
  x: string;
  /** Field holding the bar height (quantitative). */
  y: string;
  /** Field whose values stack coloured parts within a bar (e.g. the label); optional. */
  color?: string;
  /**
   * Order of the bars: "data" keeps the rows' order, "-y" sorts by decreasing height, an
   * array gives the categories explicitly. Default "data".
   */
  sort?: "data" | "-y" | readonly string[];
  /** Use a log scale for y (e.g. counts spanning decades). */
  logY?: boolean;
  /** Rotate x labels by this many degrees (e.g. -90 for many categories). */
  labelAngle?: number;
}

/**
 * A Vega-Lite bar chart of `rows`: one bar per distinct `x`, optionally stacked by `color`.
 *
 * @example Counts per rhythm
 * ```ts
 * import { barChart } from "./bar_chart.ts";
 * const spec = barChart([{ rhythm: "SR", n: 3 }, { rhythm: "VT", n: 5 }], { x: "rhythm", y: "n" });
 * if ((spec as { mark: unknown }).mark !== "bar") throw new Error("not a bar chart");
 * ```
 */
export function barChart(rows: readonly Row[], options: BarChartOptions): VegaLiteSpec {
  const sort = options.sort === undefined || options.sort === "data"
    ? null
    : options.sort === "-y"
    ? "-y"
    : [...options.sort];
  return {
    ...commonSpec(rows, options),
    width: options.width ?? 480,
    height: options.height ?? 240,
    mark: "bar",
    encoding: {
      x: {
        field: options.x,
        type: "nominal",
        sort,
        title: options.xTitle ?? options.x,
        ...(options.labelAngle === undefined ? {} : { axis: { labelAngle: options.labelAngle } }),
      },
      y: {
        field: options.y,
        type: "quantitative",
        title: options.yTitle ?? options.y,
        ...(options.logY ? { scale: { type: "log" } } : {}),
      },
      ...(options.color === undefined ? {} : { color: { field: options.color, type: "nominal" } }),
    },
  } as VegaLiteSpec;
}
