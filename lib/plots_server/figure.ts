/** The unit the plot server shows: one plotly.js figure (traces, layout, config). */
import type { Config, Layout, Plot } from "nodeplotlib";

/**
 * One interactive plot as plotly.js draws it: `Plotly.newPlot(div, data, layout, config)`.
 * nodeplotlib renders each figure as a card, in order.
 */
export interface Figure {
  data: Plot[];
  layout: Layout;
  config?: Config;
}
