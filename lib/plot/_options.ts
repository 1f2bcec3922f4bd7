/** Options shared by the chart builders. */
export interface ChartOptions {
  /** Chart title. */
  title?: string;
  /** Plot-area width in pixels (default 480). */
  width?: number;
  /** Plot-area height in pixels (default 240). */
  height?: number;
  /** Axis title of x (default: the x field name). */
  xTitle?: string;
  /** Axis title of y (default: the y field name). */
  yTitle?: string;
}

/** One data row: field name → value. */
export type Row = Record<string, string | number | boolean | null>;

/** The parts of a spec every builder sets the same way. */
export function commonSpec(rows: readonly Row[], options: ChartOptions) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(options.title === undefined ? {} : { title: options.title }),
    data: { values: rows as Row[] },
    background: "white",
  };
}
