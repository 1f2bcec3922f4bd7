/**
 * nodeplotlib's page made to work without the internet: its index.html loads plotly.js from
 * cdn.plot.ly and its fonts from fonts.gstatic.com, neither reachable from our machines (and
 * a failed load is a console error). The page is rewritten to load plotly.js from the server
 * itself and to use local fonts.
 */

/** The path the server answers with the npm package's plotly.js bundle. */
export const PLOTLY_PATH = "/plotly.min.js";

const CDN_SCRIPT = /https:\/\/cdn\.plot\.ly\/plotly-[0-9.]+\.min\.js/;
const WEB_FONT = /@font-face\{[^}]*fonts\.gstatic\.com[^}]*\}/g;
const PRECONNECT = /<link rel="preconnect"[^>]*>\s*/g;

/**
 * `html` (nodeplotlib's web/index.html) with plotly.js from {@linkcode PLOTLY_PATH} and
 * without web fonts. Throws a TypeError when the page has no plotly.js script to replace,
 * e.g. after a nodeplotlib upgrade changed it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offlinePage } from "./offline_page.ts";
 *
 * const page = offlinePage(
 *   '<link rel="preconnect" href="https://fonts.gstatic.com">' +
 *     "<style>@font-face{src:url(https://fonts.gstatic.com/a.woff2)}body{}</style>" +
 *     '<script src="https://cdn.plot.ly/plotly-1.58.4.min.js" defer></script>',
 * );
 * assert.equal(page, '<style>body{}</style><script src="/plotly.min.js" defer></script>');
 * ```
 */
export function offlinePage(html: string): string {
  if (!CDN_SCRIPT.test(html)) {
    throw new TypeError("nodeplotlib's index.html no longer loads plotly.js from cdn.plot.ly");
  }
  return html.replace(CDN_SCRIPT, PLOTLY_PATH).replace(WEB_FONT, "").replace(PRECONNECT, "");
}
