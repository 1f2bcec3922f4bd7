/**
 * Vega-Lite → SVG, headless and byte-for-byte deterministic, for notebooks and reports.
 *
 * @module
 */
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { TopLevelSpec } from "vega-lite";

/** A Vega-Lite specification (any top-level form: single view, layer, facet, concat). */
export type VegaLiteSpec = TopLevelSpec;

/**
 * Renders a Vega-Lite specification to an SVG document string.
 *
 * Rendering uses Vega's headless "none" renderer (no canvas, so text is measured by Vega's
 * font-size estimate, which does not depend on the machine). Vega numbers clip paths and
 * gradients with process-wide counters; this function resets them before each render and then
 * prefixes every `id` with a hash of the SVG itself, so that the same spec gives the same bytes
 * in any process and two different plots inlined in one HTML page never share an `id`.
 *
 * Throws a `TypeError` naming the problem when Vega-Lite or Vega rejects the spec.
 *
 * @example Render a tiny bar chart
 * ```ts
 * import { vegaLiteToSvg } from "./render.ts";
 * const svg = await vegaLiteToSvg({
 *   data: { values: [{ k: "a", v: 1 }, { k: "b", v: 2 }] },
 *   mark: "bar",
 *   encoding: { x: { field: "k", type: "nominal" }, y: { field: "v", type: "quantitative" } },
 * });
 * if (!svg.startsWith("<svg")) throw new Error("not an SVG");
 * ```
 */
export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  let compiled: vega.Spec;
  try {
    // Vega-Lite's compile() logs warnings through console.warn by default; keep them, they
    // point at real mistakes in a spec.
    compiled = vegaLite.compile(spec).spec as vega.Spec;
  } catch (error) {
    throw new TypeError(`Vega-Lite rejected the spec: ${(error as Error).message}`);
  }
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return await prefixIds(svg);
  } catch (error) {
    throw new TypeError(`Vega could not render the spec: ${(error as Error).message}`);
  } finally {
    view.finalize();
  }
}

/** Prefixes every `id` (and its `url(#…)` / `href="#…"` references) with a content hash. */
async function prefixIds(svg: string): Promise<string> {
  const ids = new Set([...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
  if (ids.size === 0) return svg;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(svg));
  const prefix = "v" + [...new Uint8Array(digest, 0, 4)]
    .map((b) => b.toString(16).padStart(2, "0")).join("") +
    "-";
  return svg.replace(
    / id="([^"]+)"|url\(#([^)]+)\)|href="#([^"]+)"/g,
    (match, id?: string, url?: string, href?: string) => {
      if (id !== undefined) return ids.has(id) ? ` id="${prefix}${id}"` : match;
      if (url !== undefined) return ids.has(url) ? `url(#${prefix}${url})` : match;
      return href !== undefined && ids.has(href) ? `href="#${prefix}${href}"` : match;
    },
  );
}
