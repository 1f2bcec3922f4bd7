import assert from "node:assert/strict";
import { barChart, lineChart, renderChart, vegaLiteToSvg } from "../../lib/plot/mod.ts";

const waves = [0, 1, 2, 3, 4].flatMap((t) => [
  { t, value: Math.sin(t), kind: "sin", panel: "A" },
  { t, value: Math.cos(t), kind: "cos", panel: "B" },
]);

Deno.test("vegaLiteToSvg() gives the same bytes for the same spec", async () => {
  const spec = lineChart(waves, { x: "t", y: "value", series: "kind" });
  const first = await vegaLiteToSvg(spec);
  await vegaLiteToSvg(barChart([{ k: "x", n: 1 }], { x: "k", y: "n" }));
  const again = await vegaLiteToSvg(spec);
  assert.equal(again, first);
  assert.match(first, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});

Deno.test("vegaLiteToSvg() gives two different plots distinct ids", async () => {
  const a = await vegaLiteToSvg(lineChart(waves, { x: "t", y: "value", series: "kind" }));
  const b = await vegaLiteToSvg(lineChart(waves, { x: "t", y: "value", facet: "panel" }));
  const idsOf = (svg: string) => [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(idsOf(a).length > 0, "a line chart clips its marks, so it defines a clip path id");
  for (const id of idsOf(a)) assert.ok(!idsOf(b).includes(id), `id ${id} is in both plots`);
  // Every reference points at an id the same SVG defines.
  for (const [, ref] of a.matchAll(/url\(#([^)]+)\)/g)) assert.ok(idsOf(a).includes(ref), ref);
});

Deno.test("barChart() keeps the rows' order and stacks by color", async () => {
  const rows = [
    { rhythm: "VT", label: "VA", n: 5 },
    { rhythm: "SR", label: "non-VA", n: 3 },
  ];
  const spec = barChart(rows, { x: "rhythm", y: "n", color: "label", title: "Counts" });
  const encoding = (spec as { encoding: Record<string, { sort?: unknown; field: string }> })
    .encoding;
  assert.equal(encoding.x.sort, null);
  assert.equal(encoding.color.field, "label");
  const svg = await vegaLiteToSvg(spec);
  assert.ok(svg.indexOf(">VT<") < svg.indexOf(">SR<"), "VT comes first, as in the rows");
  assert.match(svg, />Counts</);
});

Deno.test("lineChart() with a facet draws one panel per value", async () => {
  const svg = await vegaLiteToSvg(lineChart(waves, { x: "t", y: "value", facet: "panel" }));
  assert.equal(svg.match(/class="mark-line role-mark/g)?.length, 2);
});

Deno.test("vegaLiteToSvg() rejects an invalid spec with a TypeError", async () => {
  await assert.rejects(
    () => vegaLiteToSvg({ mark: "bogus", data: { values: [] } } as never),
    TypeError,
  );
});

Deno.test("lineChart() orders panels and legend as the rows first show them", async () => {
  const rows = ["zeta", "alpha", "mid"].flatMap((panel) =>
    [0, 1].map((t) => ({ t, value: t, panel, series: panel }))
  );
  const faceted = await vegaLiteToSvg(lineChart(rows, { x: "t", y: "value", facet: "panel" }));
  assert.ok(faceted.indexOf(">zeta<") < faceted.indexOf(">alpha<"), "panel order");
  assert.ok(faceted.indexOf(">alpha<") < faceted.indexOf(">mid<"), "panel order");
  const legend = await vegaLiteToSvg(lineChart(rows, { x: "t", y: "value", series: "series" }));
  assert.ok(legend.indexOf(">zeta<") < legend.indexOf(">alpha<"), "legend order");
});

Deno.test("renderChart() shows as SVG in a Deno notebook", async () => {
  const chart = await renderChart(barChart([{ k: "a", n: 1 }], { x: "k", y: "n" }));
  const display = (chart as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ];
  assert.deepEqual(display(), { "image/svg+xml": chart.svg });
});
