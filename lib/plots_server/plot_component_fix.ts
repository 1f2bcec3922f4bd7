/**
 * A fix for nodeplotlib 1.1.2's web app (web/main.js): its plot component calls
 * `Plotly.react(this.plotContainer.nativeElement, …)` in ngOnChanges, which Angular runs
 * before the view exists, so every plot logs "TypeError: Cannot read properties of undefined
 * (reading 'nativeElement')" to the console. The plot is drawn anyway by ngAfterViewInit;
 * the fix skips the too-early update, so later updates still go through Plotly.react.
 */

const EARLY_UPDATE = "ngOnChanges(t){t.plotData&&Plotly.react(this.plotContainer.nativeElement,";
const GUARDED_UPDATE =
  "ngOnChanges(t){t.plotData&&this.plotContainer&&Plotly.react(this.plotContainer.nativeElement,";

/**
 * nodeplotlib's bundled `main.js` with the plot component's first ngOnChanges skipped while
 * its container does not exist yet. Throws a TypeError when the code to fix is not found
 * (another nodeplotlib version: check whether it still needs the fix).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fixPlotComponent } from "./plot_component_fix.ts";
 *
 * const fixed = fixPlotComponent(
 *   "x;ngOnChanges(t){t.plotData&&Plotly.react(this.plotContainer.nativeElement,d)}",
 * );
 * assert.match(fixed, /t\.plotData&&this\.plotContainer&&Plotly\.react/);
 * ```
 */
export function fixPlotComponent(mainJs: string): string {
  const at = mainJs.indexOf(EARLY_UPDATE);
  if (at < 0 || mainJs.indexOf(EARLY_UPDATE, at + 1) >= 0) {
    throw new TypeError(
      "nodeplotlib's main.js does not have the one plot-component update this fix expects",
    );
  }
  return mainJs.replace(EARLY_UPDATE, GUARDED_UPDATE);
}
